"""Writes of indicator values. Intervals are computed once here, at write time, so that every
page, map, export and report shows the same figures (compute once, render many)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from numpy.typing import NDArray
from simple_history.models import HistoricalRecords

from saferhub.core.audit import audit_record
from saferhub.core.codes import parse_period
from saferhub.core.errors import ValidationProblem
from saferhub.framework.models import Indicator, ValueType
from saferhub.geography.models import Area
from saferhub.measures.bulkwrite import Columns, values_insert, values_update
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


_RATE_TYPES = (ValueType.RATE_PER_1000, ValueType.RATE_PER_100000)
_STATUSES = frozenset(IndicatorValue.Status.values)  # once: the enum builds the list at every ask
_LIMITS = ("lower_95", "upper_95", "lower_998", "upper_998")


def _column(values: list[float | None]) -> NDArray[np.float64]:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _figures(column: NDArray[np.float64]) -> list[float | None]:
    return [None if math.isnan(x) else x for x in column.tolist()]  # NaN (no figure) → None


@dataclass
class _Columns:
    """Every row's checked numbers and the limits worked out from them, as whole columns."""

    value: NDArray[np.float64]
    numerator: NDArray[np.float64]
    denominator: NDArray[np.float64]
    limits: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    method: list[str] = field(default_factory=list)
    refused: NDArray[np.float64] | None = None  # True where value_with_interval would refuse the row


def interval_columns(
    *, indicator: Indicator, value: list[float | None], numerator: list[float | None], denominator: list[float | None]
) -> _Columns:
    """``value_with_interval`` for whole columns: the same figures, one NumPy pass per method and
    level instead of one call per row. Rows it would refuse are marked in ``refused`` (not computed)."""
    v, x, n = _column(value), _column(numerator), _column(denominator)
    size = v.size
    vt = indicator.value_type
    pair = ~np.isnan(x) & ~np.isnan(n)
    refused = (x < 0) | (n < 0) | (pair & (n == 0))
    count = np.where(np.isnan(x), v, x)
    if vt == ValueType.PERCENTAGE:
        refused |= pair & (x > n)
        use = pair & ~refused
    elif vt in _RATE_TYPES:
        use = pair & ~refused
    elif vt == ValueType.COUNT:
        refused |= ~np.isnan(count) & (count < 0)
        use = ~np.isnan(count) & ~refused
    else:
        use = np.zeros(size, dtype=bool)
    out = _Columns(v.copy(), x.copy(), n, {name: np.full(size, np.nan) for name in _LIMITS}, [""] * size, refused)
    idx = np.flatnonzero(use)
    if idx.size:
        found = {}
        for level in (0.95, 0.998):
            if vt == ValueType.PERCENTAGE:
                found[level] = intervals.proportion_intervals(x[idx], n[idx], confidence=level, multiplier=100)
            elif vt in _RATE_TYPES:
                found[level] = intervals.rate_intervals(
                    x[idx], n[idx], confidence=level, multiplier=indicator.multiplier
                )
            else:
                found[level] = intervals.count_intervals(count[idx], confidence=level)
        computed = found[0.95].value
        given = v[idx]
        # math.isclose(value, computed, rel_tol=1e-3, abs_tol=0.05), for whole columns.
        close = np.abs(given - computed) <= np.maximum(1e-3 * np.maximum(np.abs(given), np.abs(computed)), 0.05)
        refused[idx[~np.isnan(given) & ~close]] = True
        if vt == ValueType.COUNT:
            out.numerator[idx] = count[idx]
        out.value[idx] = np.where(np.isnan(given), computed, given)
        out.limits["lower_95"][idx], out.limits["upper_95"][idx] = found[0.95].lower, found[0.95].upper
        out.limits["lower_998"][idx], out.limits["upper_998"][idx] = found[0.998].lower, found[0.998].upper
        for i, name in zip(idx.tolist(), found[0.95].method.tolist(), strict=True):
            out.method[i] = name
    return out


def _history_user() -> Any:
    """Who a revision is by, as django-simple-history records it for a single save: the signed-in
    user of the request being served (its middleware), else nobody."""
    user = getattr(getattr(HistoricalRecords.context, "request", None), "user", None)
    return user if getattr(user, "is_authenticated", False) else None


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

    Set-based: intervals are worked out a column at a time, the stored values are read in one query,
    and new and changed values are written, with their history, straight from columns
    (``measures.bulkwrite``: ``executemany`` on SQLite, ``COPY`` on PostgreSQL). The first refused row is named as
    a row-by-row write would name it.
    """
    codes = {r["area"] for r in rows if isinstance(r.get("area"), str)}
    areas = {a.code: a for a in Area.objects.filter(code__in=codes).only("id", "code")}  # not the boundaries
    periods: dict[str, Any] = {}
    keys: list[tuple[Area, Any, str]] = []
    numbers: tuple[list[float | None], list[float | None], list[float | None]] = ([], [], [])
    wheres: list[str] = []
    seen: set[tuple[int, str, str]] = set()
    problem: tuple[int, ValidationProblem] | None = None  # (rows whose numbers come first, the problem)
    for i, row in enumerate(rows, start=1):
        where = row.get("where") or f"row {i}"
        try:
            area = row["area"] if isinstance(row.get("area"), Area) else areas.get(str(row.get("area")))
            if area is None:
                raise ValidationProblem(f"area {row.get('area')!r} is not an area in the hub", where=where)
            raw = row.get("period")
            period = periods.get(raw) if isinstance(raw, str) else None
            if period is None:
                period = parse_period(raw, where=where)
                if isinstance(raw, str):
                    periods[raw] = period
            breakdown = str(row.get("breakdown") or "")
            key = (area.pk, period.label, breakdown)
            if key in seen:
                raise ValidationProblem(
                    f"{area.code} {period.label}{' ' + breakdown if breakdown else ''} appears twice", where=where
                )
            seen.add(key)
            parsed = [_number(row.get(name), name, where) for name in ("value", "numerator", "denominator")]
            for column, number in zip(numbers, parsed, strict=True):
                column.append(number)
            wheres.append(where)
            keys.append((area, period, breakdown))
            status = row.get("status") or IndicatorValue.Status.FINAL
            if status not in _STATUSES:  # checked after the row's numbers, as before
                raise ValidationProblem(f"status {status!r} is not provisional or final", where=where)
        except ValidationProblem as exc:
            problem = (len(wheres), exc)
            break
    columns = interval_columns(indicator=indicator, value=numbers[0], numerator=numbers[1], denominator=numbers[2])
    assert columns.refused is not None
    if columns.refused.any():
        first = int(np.flatnonzero(columns.refused)[0])
        value_with_interval(  # raises, with the row-by-row message
            indicator=indicator,
            value=numbers[0][first],
            numerator=numbers[1][first],
            denominator=numbers[2][first],
            where=wheres[first],
        )
    if problem is not None:
        raise problem[1]
    fields: dict[str, list[Any]] = {
        "value": _figures(columns.value),
        "numerator": _figures(columns.numerator),
        "denominator": _figures(columns.denominator),
        **{name: _figures(column) for name, column in columns.limits.items()},
        "interval_method": columns.method,
    }
    summary = WriteSummary()
    stored = {
        (v["area_id"], v["period_label"], v["breakdown"]): v
        for v in IndicatorValue.objects.filter(indicator=indicator, area__in={a.pk for a, _, _ in keys}).values(
            "pk", "area_id", "period_label", "breakdown", *_COMPARED_FIELDS
        )
    }
    new: Columns = defaultdict(list)  # one list per column of the rows to insert
    updates: Columns = defaultdict(list)  # … and of the stored rows to overwrite, by id
    import_id = getattr(source_import, "pk", source_import)
    for i, ((area, period, breakdown), row) in enumerate(zip(keys, rows, strict=False)):
        values = {name: column[i] for name, column in fields.items()}
        values.update(
            status=row.get("status") or IndicatorValue.Status.FINAL,
            source_note=row.get("source_note", ""),
            quality_flags=list(row.get("quality_flags") or []),
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
        )
        current = stored.get((area.pk, period.label, breakdown))
        change = {"area": area.code, "period": period.label, "breakdown": breakdown, "new": values["value"]}
        if current is None:
            summary.created += 1
            summary.changes.append({"change": "new", **change, "old": None})
            target = new
            for name, value in (
                ("indicator_id", indicator.pk),
                ("area_id", area.pk),
                ("period_label", period.label),
                ("breakdown", breakdown),
            ):
                new[name].append(value)
        elif any(current[f] != values[f] for f in _COMPARED_FIELDS):
            summary.updated += 1
            summary.changes.append({"change": "changed", **change, "old": current["value"]})
            target = updates
            updates["id"].append(current["pk"])
        else:
            summary.unchanged += 1
            continue
        target["source_import_id"].append(import_id)
        for name in _COMPARED_FIELDS:
            target[name].append(values[name])
    if not dry_run and (new or updates):
        with transaction.atomic():
            now, user = timezone.now(), _history_user()
            values_insert(new, now=now, user_id=getattr(user, "pk", None))
            values_update(updates, now=now, user_id=getattr(user, "pk", None))
            audit_record(
                actor=actor,
                action="indicator_values.write",
                obj=indicator,
                created=summary.created,
                updated=summary.updated,
            )
    return summary
