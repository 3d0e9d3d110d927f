"""What an import changes, for its page: the figures that would change (old → new) before it is
confirmed, and the pages whose figures changed after it.

The pipeline keeps, with a staged import, each new or changed figure with its stored and new value
(``summary["values"]["changes"]``, worked out against the stored values in one read per indicator);
after the commit it keeps the areas whose figures changed, by indicator
(``summary["values"]["changed_areas"]``). This module turns them into rows and links for the reader:
names instead of codes, small numbers hidden from a reader who may not see them, and only links the
reader can follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from saferhub.accounts.access import access_framework_read, access_public_read, access_sees_small_numbers
from saferhub.core import disclosure
from saferhub.core.charts import number
from saferhub.core.codes import period_words
from saferhub.framework.models import Framework, Indicator, IndicatorMembership
from saferhub.geography.models import Area
from saferhub.performance.selectors import area_partnerships, hidden_for, indicator_owners

#: At most this many changed figures are listed on the page; the rest are counted.
PREVIEW_ROWS = 500


@dataclass(frozen=True)
class ChangeRow:
    indicator: str
    area: str
    period: str
    breakdown: str
    old: str
    new: str
    is_new: bool


@dataclass(frozen=True)
class Link:
    text: str
    url: str


def _masker(user: Any, indicators: dict[str, Indicator], areas: dict[str, Area]) -> Any:
    """Whether the reader may see a figure's small numbers, by indicator slug and area code."""
    owners = indicator_owners(indicator_ids=[i.pk for i in indicators.values()])
    decided: dict[tuple[str, str], bool] = {}

    def sees(slug: str, code: str) -> bool:
        key = (slug, code)
        if key not in decided:
            indicator, area = indicators.get(slug), areas.get(code)
            partnerships = owners.get(indicator.pk, []) if indicator is not None else []
            decided[key] = access_sees_small_numbers(user, partnerships, area=area)
        return decided[key]

    return sees


def _shown(value: Any, *, count: bool, masked: bool) -> str:
    """A value as the reader may see it: a small count, or any value of a figure made from counts the
    reader may not see, is replaced by words."""
    if value is None:
        return "—"
    if masked and (not count or disclosure.is_small(value)):
        return disclosure.SMALL_TEXT if count else "not shown outside the partnership"
    return number(float(value), digits=3)


def preview_changes(*, summary: dict[str, Any], user: Any) -> dict[str, Any]:
    """The figures a staged import would add or change, old → new, sorted by indicator, area and
    period (at most ``PREVIEW_ROWS``); unchanged figures are counted, not listed."""
    values = summary.get("values") or {}
    # a figure whose value stays the same (only its note or status changes) is counted with the unchanged
    listed: list[dict[str, Any]] = list(values.get("changes") or [])
    changes = [c for c in listed if c["change"] == "new" or c["old"] != c["new"]]
    slugs = {c["indicator"] for c in changes}
    codes = {c["area"] for c in changes}
    indicators = {i.slug: i for i in Indicator.objects.filter(slug__in=slugs)}
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    sees = _masker(user, indicators, areas)
    hidden = hidden_for(measures=slugs, area_codes=codes) if changes else set()
    masked_any = False
    rows = []
    for c in changes:
        indicator = indicators.get(c["indicator"])
        count = indicator is None or indicator.value_type == "count"
        masked = not sees(c["indicator"], c["area"])
        old_hidden = masked and (c["indicator"], c["area"], c["period"], c["breakdown"]) in hidden
        old = (
            disclosure.SMALL_TEXT
            if old_hidden and c["old"] is not None
            else _shown(c["old"], count=count, masked=masked)
        )
        new = _shown(c["new"], count=count, masked=masked)
        masked_any = masked_any or (old, new) != (
            _shown(c["old"], count=True, masked=False),
            _shown(c["new"], count=True, masked=False),
        )
        area = areas.get(c["area"])
        rows.append(
            ChangeRow(
                indicator=indicator.title if indicator is not None else c["indicator"],
                area=area.name if area is not None else c["area"],
                period=period_words(c["period"]),
                breakdown=c["breakdown"].split("=", 1)[-1].replace("-", " ") if c["breakdown"] else "",
                old=old,
                new=new,
                is_new=c["change"] == "new",
            )
        )
    rows.sort(key=lambda r: (r.indicator, r.area, r.breakdown))
    return {
        "rows": rows[:PREVIEW_ROWS],
        "more": max(0, len(rows) - PREVIEW_ROWS),
        "unchanged": int(values.get("unchanged") or 0) + len(listed) - len(changes),
        "masked": masked_any,
        "has_breakdown": any(r.breakdown for r in rows),
    }


def _indicator_url(slug: str, codes: list[str], areas: list[Area]) -> str:
    """An indicator's page, opened at the first area (by name) whose figures changed."""
    url = reverse("performance:indicator", args=[slug])
    first = next((a.code for a in areas if a.code in codes), None)
    return f"{url}?area={first}" if first else url


def changed_pages(*, summary: dict[str, Any], user: Any) -> dict[str, list[Link]]:
    """After an import: every page whose figures it changed that the reader can open — each indicator's
    page, each scorecard listing one of them, and the profile of each area changed."""
    changed: dict[str, list[str]] = (summary.get("values") or {}).get("changed_areas") or {}
    if not changed:
        return {}
    indicators = list(Indicator.objects.filter(slug__in=list(changed)).order_by("title"))
    owners = indicator_owners(indicator_ids=[i.pk for i in indicators])

    def readable(indicator: Indicator) -> bool:
        found = owners.get(indicator.pk, [])
        return not found or any(access_public_read(user, p) for p in found)

    shown = [i for i in indicators if readable(i)]
    framework_ids = set(
        IndicatorMembership.objects.filter(indicator__in=shown).values_list("framework_id", flat=True).distinct()
    )
    frameworks = [
        f
        for f in Framework.objects.filter(pk__in=framework_ids).select_related("owner").order_by("title")
        if access_framework_read(user, f)
    ]
    codes = sorted({code for i in shown for code in changed.get(i.slug, [])})
    areas = [
        a
        for a in Area.objects.filter(code__in=codes).order_by("name")
        if not (found := area_partnerships(area=a)) or any(access_public_read(user, p) for p in found)
    ]
    return {
        "indicators": [Link(i.title, _indicator_url(i.slug, changed[i.slug], areas)) for i in shown],
        "scorecards": [Link(f.title, reverse("performance:scorecard", args=[f.slug])) for f in frameworks],
        "areas": [Link(a.name, reverse("performance:area", args=[a.code])) for a in areas],
    }
