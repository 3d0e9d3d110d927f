"""Writes for the priority matrices: a partnership's weights, its confirmed (or overridden)
priorities with the reason, and the county matrix recomputed from every partnership's latest
confirmed priorities (beside the published Annex A, with the same rows and columns).

Each write checks the role (analyst or above in the partnership) through ``accounts.access`` and
runs in one transaction; a refused or invalid write changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from saferhub.accounts.access import access_require
from saferhub.accounts.models import Partnership, Role
from saferhub.assessment.models import (
    MatrixCell,
    MatrixRow,
    MatrixTheme,
    MatrixWeights,
    PriorityDecision,
    PriorityMatrix,
)
from saferhub.assessment.scoring import CRITERIA, THEMES, THEMES_BY_KEY, check_weights
from saferhub.core.errors import ValidationProblem
from saferhub.geography.models import Area

DECIDES = Role.ANALYST
RECOMPUTED_SUFFIX = "-recomputed"
NOT_A_COLUMN = "Not a column of the published matrix: a priority the county plan does not name."


def weights_set(*, user: Any, partnership: Partnership, weights: dict[str, object]) -> MatrixWeights:
    """Set the partnership's weights (0 to 5 each, at least one above 0)."""
    access_require(user, partnership, DECIDES)
    checked = check_weights(weights, where="weights")
    with transaction.atomic():
        found, _ = MatrixWeights.objects.get_or_create(partnership=partnership)
        for c in CRITERIA:
            setattr(found, c, checked[c])
        found.changed_by = user
        found.save()
    return found


def priorities_decide(
    *,
    user: Any,
    partnership: Partnership,
    area: Area,
    year: int,
    months: Sequence[str],
    proposed: Sequence[str],
    priorities: Iterable[str],
    weights: dict[str, int],
    reason: str,
) -> PriorityDecision:
    """Record the partnership's priorities for the year (the proposed five confirmed, or themes added
    or removed) with the reason, and recompute the county matrix. The reason is required."""
    access_require(user, partnership, DECIDES)
    if partnership.area_id != area.pk:
        raise ValidationProblem(f"{partnership.name} is not the partnership of {area.name}", field="area")
    chosen = list(dict.fromkeys(priorities))
    unknown = [k for k in chosen if k not in THEMES_BY_KEY]
    if unknown:
        raise ValidationProblem(f"there is no theme {unknown[0]!r}", field="priorities")
    if not chosen:
        raise ValidationProblem("Choose at least one priority", field="priorities")
    text = (reason or "").strip()
    if not text:
        raise ValidationProblem("Give the reason for the decision", field="reason")
    order = [t.key for t in THEMES]
    ranked = [k for k in proposed if k in chosen] + sorted((k for k in chosen if k not in proposed), key=order.index)
    with transaction.atomic():
        decision = PriorityDecision.objects.create(
            partnership=partnership,
            area=area,
            year=year,
            months=list(months),
            proposed=list(proposed),
            priorities=ranked,
            weights=dict(weights),
            reason=text,
            decided_by=user,
        )
        county_matrix_recompute()
    return decision


def latest_priorities() -> dict[int, PriorityDecision]:
    """Each partnership's latest decision (its latest year, the latest row of that year)."""
    out: dict[int, PriorityDecision] = {}
    for d in PriorityDecision.objects.order_by("partnership_id", "-year", "-created_at", "-pk"):
        out.setdefault(d.partnership_id, d)
    return out


def county_matrix_recompute() -> list[PriorityMatrix]:
    """Rebuild each published matrix's recomputed twin from the partnerships' latest confirmed
    priorities: the published rows and columns, a tick where the partnership's priorities include a
    theme under that column, and a column added for a confirmed theme the published matrix has none
    for. Rows of partnerships with no confirmed priorities stay empty (the footnotes say which)."""
    latest = latest_priorities()
    built = []
    with transaction.atomic():
        for published in PriorityMatrix.objects.filter(kind=PriorityMatrix.Kind.PUBLISHED):
            recomputed, _ = PriorityMatrix.objects.update_or_create(
                slug=f"{published.slug}{RECOMPUTED_SUFFIX}"[:100],
                defaults={
                    "title": f"{published.title}, recomputed from partnerships' confirmed priorities",
                    "kind": PriorityMatrix.Kind.RECOMPUTED,
                    "publisher": "Worked out in the hub",
                    "source": "Each partnership's latest confirmed priorities from its own priority matrix",
                    "compares_with": published,
                    "area": published.area,
                },
            )
            recomputed.themes.all().delete()  # cells go with them
            recomputed.rows.all().delete()
            themes = [
                MatrixTheme(matrix=recomputed, position=t.position, label=t.label, note=t.note)
                for t in published.themes.order_by("position")
            ]
            labels = {t.label for t in themes}
            rows_in = list(published.rows.order_by("position"))
            decided = {r.pk: latest[r.partnership_id] for r in rows_in if r.partnership_id in latest}
            extra = [
                t
                for t in THEMES
                if (not t.annex or t.annex not in labels) and any(t.key in d.priorities for d in decided.values())
            ]
            position = max((t.position for t in themes), default=0)
            for t in extra:
                position += 1
                themes.append(MatrixTheme(matrix=recomputed, position=position, label=t.label, note=NOT_A_COLUMN))
            MatrixTheme.objects.bulk_create(themes)
            rows = MatrixRow.objects.bulk_create(
                [
                    MatrixRow(
                        matrix=recomputed,
                        position=r.position,
                        label=r.label,
                        partnership_id=r.partnership_id,
                        area_id=r.area_id,
                        priorities_text=_words(decided[r.pk]) if r.pk in decided else "",
                    )
                    for r in rows_in
                ]
            )
            column = {t.key: (t.annex if t.annex in labels else t.label) for t in THEMES}
            cells = []
            for src, row in zip(rows_in, rows, strict=True):
                marked_labels = {column[k] for k in decided[src.pk].priorities} if src.pk in decided else set()
                for theme in themes:
                    marked = theme.label in marked_labels
                    cells.append(MatrixCell(row=row, theme=theme, marked=marked, mark="✓" if marked else ""))
            MatrixCell.objects.bulk_create(cells)
            missing = [r.label for r in rows_in if r.pk not in decided]
            recomputed.footnotes = [
                "A tick: the theme is among the partnership's latest confirmed priorities. Burglary is placed under "
                "Dwelling Burglary (police.uk does not separate dwellings), criminal damage under Anti-Social "
                "Behaviour (as the annex's note on that column says); a theme with no column has one added.",
                *([f"No confirmed priorities yet: {', '.join(missing)}."] if missing else []),
            ]
            recomputed.save(update_fields=["footnotes", "updated_at"])
            built.append(recomputed)
    return built


def _words(decision: PriorityDecision) -> str:
    labels = [THEMES_BY_KEY[k].label if k in THEMES_BY_KEY else k for k in decision.priorities]
    return f"{decision.year}: " + "; ".join(labels)
