"""Writes of indicator values. Intervals are computed once here, at write time, so that every
page, map, export and report shows the same figures (compute once, render many)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from saferhub.core.audit import audit_record
from saferhub.core.codes import parse_period
from saferhub.core.errors import ValidationProblem
from saferhub.framework.models import Indicator, ValueType
from saferhub.geography.models import Area
from saferhub.measures.models import IndicatorValue
from saferhub.stats import intervals

_COMPARED_FIELDS = (
    "value",
    "numerator",
    "denominator",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "interval_method",
    "status",
    "source_note",
    "quality_flags",
    "period_kind",
    "period_start",
    "period_end",
)


@dataclass
class WriteSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.created} new, {self.updated} changed, {self.unchanged} unchanged"


def _number(raw: Any, name: str, where: str) -> float | None:
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    try:
        number = float(str(raw).replace(",", "")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError):
        raise ValidationProblem(f"{name} {raw!r} is not a number", where=where) from None
    if math.isnan(number) or math.isinf(number):
        raise ValidationProblem(f"{name} {raw!r} is not a number", where=where)
    return number


def value_with_interval(
    *, indicator: Indicator, value: float | None, numerator: float | None, denominator: float | None, where: str
) -> dict[str, Any]:
    """Value and 95%/99.8% limits for one row, by the indicator's value type.

    Percentages: Wilson score; rates: exact Poisson / Byar on the numerator over the denominator;
    counts: exact Poisson / Byar. Scores, ratios and money: the value alone (no interval), unless the
    caller gives limits. Checks numerator and denominator first.
    """
    out: dict[str, Any] = {"value": value, "numerator": numerator, "denominator": denominator}
    for name, number in (("numerator", numerator), ("denominator", denominator)):
        if number is not None and number < 0:
            raise ValidationProblem(f"{name} {number:g} is negative", where=where)
    vt = indicator.value_type
    have_pair = numerator is not None and denominator is not None
    if have_pair and denominator == 0:
        raise ValidationProblem("denominator is 0: a rate or percentage needs a denominator above 0", where=where)
    results = {}
    if vt == ValueType.PERCENTAGE and have_pair:
        assert numerator is not None and denominator is not None
        if numerator > denominator:
            raise ValidationProblem(f"numerator {numerator:g} is larger than denominator {denominator:g}", where=where)
        for level in (0.95, 0.998):
            results[level] = intervals.wilson([numerator], [denominator], confidence=level, multiplier=100)[0]
    elif vt in (ValueType.RATE_PER_1000, ValueType.RATE_PER_100000) and have_pair:
        for level in (0.95, 0.998):
            results[level] = intervals.rates(
                [numerator], [denominator], confidence=level, multiplier=indicator.multiplier
            )[0]
    elif vt == ValueType.COUNT and (numerator is not None or value is not None):
        count = numerator if numerator is not None else value
        assert count is not None
        if count < 0:
            raise ValidationProblem(f"count {count:g} is negative", where=where)
        out["numerator"] = count
        for level in (0.95, 0.998):
            results[level] = intervals.counts([count], confidence=level)[0]
    if results:
        computed = results[0.95].value
        if value is not None and computed is not None and not math.isclose(value, computed, rel_tol=1e-3, abs_tol=0.05):
            raise ValidationProblem(
                f"value {value:g} does not match numerator and denominator, which give {computed:.4g}", where=where
            )
        out.update(
            value=value if value is not None else computed,
            lower_95=results[0.95].lower,
            upper_95=results[0.95].upper,
            lower_998=results[0.998].lower,
            upper_998=results[0.998].upper,
            interval_method=results[0.95].method,
        )
    else:
        out.update(lower_95=None, upper_95=None, lower_998=None, upper_998=None, interval_method="")
    return out


def indicator_values_write(
    *,
    indicator: Indicator,
    rows: list[dict[str, Any]],
    source_import: Any = None,
    actor: Any = None,
    dry_run: bool = False,
) -> WriteSummary:
    """Add or update values of ``indicator``: all rows or none.

    Each row: ``area`` (an Area or a GSS code), ``period`` (``2024-03``, ``2023``, ``2023/24``…),
    optional ``breakdown``, ``value``, ``numerator``, ``denominator``, ``status``, ``source_note``,
    ``quality_flags``, ``where`` (for messages, e.g. "returns.csv, row 4"). With ``dry_run`` nothing is
    written and the summary says what would change (the preview before an upload is confirmed).
    """
    codes = {r["area"] for r in rows if isinstance(r.get("area"), str)}
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    prepared: list[tuple[dict[str, Any], dict[str, Any]]] = []
    seen: set[tuple[int, str, str]] = set()
    for i, row in enumerate(rows, start=1):
        where = row.get("where") or f"row {i}"
        area = row["area"] if isinstance(row.get("area"), Area) else areas.get(str(row.get("area")))
        if area is None:
            raise ValidationProblem(f"area {row.get('area')!r} is not an area in the hub", where=where)
        period = parse_period(row.get("period"), where=where)
        breakdown = str(row.get("breakdown") or "")
        key = (area.pk, period.label, breakdown)
        if key in seen:
            raise ValidationProblem(
                f"{area.code} {period.label}{' ' + breakdown if breakdown else ''} appears twice", where=where
            )
        seen.add(key)
        computed = value_with_interval(
            indicator=indicator,
            value=_number(row.get("value"), "value", where),
            numerator=_number(row.get("numerator"), "numerator", where),
            denominator=_number(row.get("denominator"), "denominator", where),
            where=where,
        )
        status = row.get("status") or IndicatorValue.Status.FINAL
        if status not in IndicatorValue.Status.values:
            raise ValidationProblem(f"status {status!r} is not provisional or final", where=where)
        values = {
            **computed,
            "status": status,
            "source_note": row.get("source_note", ""),
            "quality_flags": list(row.get("quality_flags") or []),
            "period_kind": period.kind,
            "period_start": period.start,
            "period_end": period.end,
        }
        prepared.append(
            ({"indicator": indicator, "area": area, "period_label": period.label, "breakdown": breakdown}, values)
        )
    summary = WriteSummary()
    existing = {
        (v.area_id, v.period_label, v.breakdown): v
        for v in IndicatorValue.objects.filter(indicator=indicator, area__in={k["area"] for k, _ in prepared})
    }
    with transaction.atomic():
        for lookup, values in prepared:
            current = existing.get((lookup["area"].pk, lookup["period_label"], lookup["breakdown"]))
            if current is None:
                summary.created += 1
                summary.changes.append(
                    {
                        "change": "new",
                        "area": lookup["area"].code,
                        "period": lookup["period_label"],
                        "breakdown": lookup["breakdown"],
                        "old": None,
                        "new": values["value"],
                    }
                )
                if not dry_run:
                    IndicatorValue.objects.create(**lookup, **values, source_import=source_import)
                continue
            changed = [f for f in _COMPARED_FIELDS if getattr(current, f) != values[f]]
            if not changed:
                summary.unchanged += 1
                continue
            summary.updated += 1
            summary.changes.append(
                {
                    "change": "changed",
                    "area": lookup["area"].code,
                    "period": lookup["period_label"],
                    "breakdown": lookup["breakdown"],
                    "old": current.value,
                    "new": values["value"],
                }
            )
            if not dry_run:
                for f in changed:
                    setattr(current, f, values[f])
                current.source_import = source_import
                current.save(update_fields=[*changed, "source_import", "updated_at"])
        if not dry_run and (summary.created or summary.updated):
            audit_record(
                actor=actor,
                action="indicator_values.write",
                obj=indicator,
                created=summary.created,
                updated=summary.updated,
            )
    return summary
