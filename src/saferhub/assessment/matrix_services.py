"""Reads the evidence for a partnership's priority matrix and scores it (``scoring``).

For an area and a calendar year, from the months of police.uk street records the store holds for that
year: counts by crime type and month for the area and its most similar group's members (one grouped
query), records at repeat map points by crime type (one query), STATS19 collisions where the store
has any for the area, the population, the latest harm index loaded, the latest survey returns of
public concern, and the SPC signal of each theme's monthly counts. Nothing loops over records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from saferhub.accounts.models import Partnership
from saferhub.assessment.harm import category_weights
from saferhub.assessment.models import HarmIndex, HarmWeight, MatrixWeights, PriorityDecision
from saferhub.assessment.records import repeat_counts, street_months
from saferhub.assessment.scoring import (
    DEFAULT_WEIGHTS,
    RATE_PER,
    THEMES,
    Evidence,
    Theme,
    ThemeResult,
    score_matrix,
)
from saferhub.core.codes import period_words
from saferhub.core.errors import SaferhubError
from saferhub.geography.models import Area, Population
from saferhub.geography.selectors import area_most_similar_group, comparator_group_members
from saferhub.incidents.store import RecordStore
from saferhub.measures.models import IndicatorValue
from saferhub.stats.results import Polarity
from saferhub.stats.spc import xmr


@dataclass
class Matrix:
    """A partnership's matrix for an area and year, ready for the page."""

    area: Area
    year: int
    months: list[str]
    results: list[ThemeResult]
    weights: dict[str, int]
    weights_are_default: bool
    harm_index: str
    group_note: str
    decision: PriorityDecision | None = None
    history: list[PriorityDecision] = field(default_factory=list)

    @property
    def period(self) -> str:
        if not self.months:
            return str(self.year)
        if len(self.months) == 1:
            return period_words(self.months[0])
        return f"{period_words(self.months[0])} to {period_words(self.months[-1])}"

    @property
    def proposed(self) -> list[str]:
        return [r.theme.key for r in self.results if r.proposed]


def matrix_years(store: RecordStore) -> list[int]:
    """Calendar years with police.uk street records in the store, newest first."""
    try:
        return sorted({int(m[:4]) for m in street_months(store)}, reverse=True)
    except (SaferhubError, OSError):
        return []


def months_of(store: RecordStore, year: int) -> list[str]:
    return sorted(m for m in street_months(store) if m.startswith(f"{year}-"))


def _population(areas: list[Area], year: int) -> dict[str, int]:
    """Each area's population estimate for the year, or the nearest earlier year (else the earliest)."""
    rows = Population.objects.filter(area__in=areas).values_list("area__code", "year", "value")
    best: dict[str, tuple[tuple[int, int], int]] = {}
    for code, y, value in rows:
        rank = (0, year - y) if y <= year else (1, y - year)
        if code not in best or rank < best[code][0]:
            best[code] = (rank, value)
    return {code: value for code, (_, value) in best.items()}


def _harm_weights() -> tuple[dict[str, Decimal], str]:
    """Weights per police.uk crime type from the harm index loaded last ({} and "" if none)."""
    index = HarmIndex.objects.order_by("-created_at", "-pk").first()
    if index is None:
        return {}, ""
    rows = HarmWeight.objects.filter(index=index).exclude(category="").values_list("category", "weight", "volume")
    weights = category_weights(
        ((c, Decimal(w), None if v is None else Decimal(v)) for c, w, v in rows), where=index.title
    )
    return weights, f"{index.title} ({index.year})"


def _concern(area: Area) -> dict[str, tuple[float, str]]:
    """The latest survey value (per cent) of each public-concern indicator for the area."""
    slugs = {s for t in THEMES for s in t.concern}
    out: dict[str, tuple[float, str]] = {}
    values = (
        IndicatorValue.objects.filter(indicator__slug__in=slugs, area=area, breakdown="", value__isnull=False)
        .select_related("indicator")
        .order_by("indicator__slug", "-period_end")
    )
    for v in values:
        if v.indicator.slug not in out and v.value is not None:
            out[v.indicator.slug] = (float(v.value), f"{v.indicator.title}, {period_words(v.period_label)}")
    return out


def _spc(monthly: list[int]) -> str:
    if len(monthly) < 2:
        return ""
    try:
        return xmr(monthly, polarity=Polarity.LOWER_IS_BETTER).variation
    except SaferhubError:
        return ""


def _theme_count(theme: Theme, by_category: dict[str, int]) -> int:
    return sum(by_category.get(c, 0) for c in theme.categories)


def gather_evidence(*, store: RecordStore, area: Area, year: int) -> tuple[list[str], list[Evidence], dict[str, str]]:
    """The months used, each theme's evidence, and notes on the harm index and comparators."""
    months = months_of(store, year)
    if not months:
        return [], [], {"harm_index": "", "group_note": ""}
    group = area_most_similar_group(area=area)
    members = [m for m in comparator_group_members(group=group) if m.pk != area.pk] if group else []
    codes = [area.code, *[m.code for m in members]]
    rows = store.grouped_counts(
        by=["district_code", "category", "month"],
        sources=["police-uk"],
        datasets=["street"],
        kinds=["crime", "asb"],
        months=months,
        where={"district_code": codes},
    )
    by_area: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    monthly: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for district, category, month, n in rows:
        by_area[district][category] += int(n)
        if district == area.code:
            monthly[category][month] += int(n)
    collisions = store.grouped_counts(
        by=["month"],
        sources=["stats19"],
        datasets=["collision"],
        kinds=["collision"],
        months=months,
        where={"district_code": [area.code]},
    )
    collision_months = {str(m): int(n) for m, n in collisions}
    own = by_area.get(area.code, {})
    with_records = [m for m in members if by_area.get(m.code)]
    population = _population([area, *with_records], year)
    weights, harm_index = _harm_weights()
    harm_total = sum((weights[c] * n for c, n in own.items() if c in weights), Decimal(0))
    repeats = repeat_counts(store, districts=[area.code], months=months)
    placed = sum(t for t, _ in repeats.values())
    repeat_base = sum(r for _, r in repeats.values()) / placed if placed else None
    concern = _concern(area)
    group_pop = sum(population.get(m.code, 0) for m in with_records)
    if group is None:
        group_note = "The area has no most similar group in the hub"
    else:
        group_note = (
            f"{group.name}: {len(with_records)} of {len(members)} members have police.uk records in the hub "
            "for these months" + ("" if with_records else ", so there is no comparison")
        )
    area_total = sum(own.values())
    evidence: list[Evidence] = []
    for theme in THEMES:
        if theme.source == "stats19":
            if not collision_months:
                continue  # no collisions for the area in the store: the theme is left out, and said
            series = [collision_months.get(m, 0) for m in months]
            evidence.append(
                Evidence(
                    theme=theme,
                    count=sum(series),
                    monthly=tuple(series),
                    area_total=0,
                    population=population.get(area.code),
                    spc_variation=_spc(series),
                )
            )
            continue
        count = _theme_count(theme, own)
        series = [sum(monthly[c].get(m, 0) for c in theme.categories) for m in months]
        weighted = [c for c in theme.categories if c in weights]
        harm = sum((weights[c] * own.get(c, 0) for c in weighted), Decimal(0)) if weighted else None
        group_count = sum(_theme_count(theme, by_area[m.code]) for m in with_records)
        group_rate = group_count / group_pop * RATE_PER if group_pop and with_records else None
        placed_theme = sum(repeats.get(c, (0, 0))[0] for c in theme.categories)
        repeated = sum(repeats.get(c, (0, 0))[1] for c in theme.categories)
        slug = next((s for s in theme.concern if s in concern), None)
        evidence.append(
            Evidence(
                theme=theme,
                count=count,
                monthly=tuple(series),
                area_total=area_total,
                population=population.get(area.code),
                harm=harm,
                harm_total=harm_total if harm is not None else None,
                harm_index=harm_index,
                group_rate=group_rate,
                group_label=(
                    f"{group.name} (pooled, {len(with_records)} members)" if group_rate is not None else group_note
                )
                if group
                else "The area has no most similar group in the hub",
                concern_value=concern[slug][0] if slug else None,
                concern_label=concern[slug][1] if slug else "",
                repeat_share=repeated / placed_theme if placed_theme else None,
                repeat_base=repeat_base,
                spc_variation=_spc(series),
            )
        )
    return months, evidence, {"harm_index": harm_index, "group_note": group_note}


def partnership_weights(partnership: Partnership | None) -> tuple[dict[str, int], bool]:
    """The partnership's weights and whether they are the documented default."""
    found = MatrixWeights.objects.filter(partnership=partnership).first() if partnership else None
    if found is None:
        return dict(DEFAULT_WEIGHTS), True
    return found.as_dict(), found.as_dict() == DEFAULT_WEIGHTS


def decisions(*, partnership: Partnership, year: int) -> list[PriorityDecision]:
    """The partnership's decisions on its priorities for the year, newest first."""
    found = list(
        PriorityDecision.objects.filter(partnership=partnership, year=year)
        .select_related("decided_by")
        .order_by("-created_at", "-pk")
    )
    for d in found:
        d.labels = theme_labels(d.priorities)  # type: ignore[attr-defined]
    return found


def partnership_matrix(*, store: RecordStore, area: Area, year: int, partnership: Partnership | None) -> Matrix:
    months, evidence, notes = gather_evidence(store=store, area=area, year=year)
    weights, default = partnership_weights(partnership)
    history = decisions(partnership=partnership, year=year) if partnership else []
    return Matrix(
        area=area,
        year=year,
        months=months,
        results=score_matrix(evidence, weights) if evidence else [],
        weights=weights,
        weights_are_default=default,
        harm_index=notes["harm_index"],
        group_note=notes["group_note"],
        decision=history[0] if history else None,
        history=history,
    )


def theme_labels(keys: list[Any]) -> list[str]:
    by_key = {t.key: t.label for t in THEMES}
    return [by_key.get(str(k), str(k)) for k in keys]
