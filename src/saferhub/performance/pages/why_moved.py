"""The why page's "What moved": for an indicator counted from records (police.uk crime and anti-social
behaviour, and the plans' indicators computed from imported records), which crime types and which
areas within the area moved the latest period, against the same period a year before and against
the period before it.

The counts are read from the record store in DuckDB, grouped there (two grouped queries over the
three windows' months: by type, and by the districts of a county or the LSOAs of a district); nothing
is read row by row. They are counts of the records behind the figure, so a rate's movement is shown
as the movement of its count.

For a reader who may not see small numbers the same rules as the profile and maps pages apply: in
each column, counts of 1 to 4 and any count that would give one away through the column's total are
shown as "fewer than 5" (``disclosure.protect``), as are figures the hub already hides elsewhere (the
police.uk family's decisions for the same cells); a change is shown only when both its counts are.
Rows are ordered by the changes the reader can see, so the order gives nothing hidden away.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from django.core.cache import cache
from django.utils.text import slugify

from saferhub.core import disclosure
from saferhub.core.charts import ChartTable, number
from saferhub.core.codes import parse_period, period_words
from saferhub.core.errors import SaferhubError
from saferhub.framework.models import Indicator
from saferhub.geography.models import CSP_AREA_TYPES, Area
from saferhub.incidents.configured import record_store
from saferhub.measures.definitions import parse_definition
from saferhub.performance import selectors

ALL_CRIME = "all-crime"
ASB = "anti-social-behaviour"
TOP_LSOAS = 10
CACHE_SECONDS = 6 * 60 * 60
NOT_FROM_RECORDS = (
    "The hub cannot say what moved: this indicator's figures are transcribed from a plan or come from "
    "partners' returns, not counted from records the hub holds, so there are no types or smaller areas "
    "to break them down by."
)
NO_RECORDS = "The record store holds no records for this indicator's latest period in this area."
WINDOWS = ("latest", "year_before", "previous")


@dataclass(frozen=True)
class Basis:
    """Which records an indicator counts."""

    source: str
    kinds: tuple[str, ...]
    datasets: tuple[str, ...] | None = None
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)
    type_slug: str = ""  # one police.uk crime type (crime-<type>): only its records
    grouped: bool = True  # more than one type: the types table is worth showing
    age_under: int | None = None
    family_slug: str = ""  # the measure whose stored decisions cover these cells (police.uk)


def basis_of(indicator: Indicator) -> Basis | None:
    """The records behind an indicator, or None when its figures are not counted from records."""
    base = indicator.slug.removesuffix("-rate")
    if indicator.computed:
        try:
            d = parse_definition(indicator.computed, where=f"indicator {indicator.slug}")
        except SaferhubError:
            return None
        categories = d.filters.get("category", ())
        return Basis(
            source=d.source,
            kinds=d.kinds,
            datasets=(d.dataset,),
            where=dict(d.filters),
            grouped=len(categories) != 1,
            age_under=d.age_under,
        )
    if base == ALL_CRIME:
        return Basis(source="police-uk", kinds=("crime",), family_slug=ALL_CRIME)
    if base == ASB:
        return Basis(source="police-uk", kinds=("asb",), grouped=False, family_slug=ASB)
    if base.startswith("crime-"):
        return Basis(source="police-uk", kinds=("crime",), type_slug=base, grouped=False, family_slug=base)
    return None


# --- periods -------------------------------------------------------------------------------------


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _label(first: int, count: int, kind: str) -> str:
    """The canonical label of the window of ``count`` months from month ``first``."""
    year, month = first // 12, first % 12 + 1
    if kind == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if kind == "year":
        return str(year)
    if kind == "financial_year":
        return f"{year}/{(year + 1) % 100:02d}"
    return _month(first) if count == 1 else f"{_month(first)}..{_month(first + count - 1)}"


def _words(months: list[str]) -> str:
    first = date.fromisoformat(months[0] + "-01")
    last = date.fromisoformat(months[-1] + "-01")
    return f"{first:%B %Y}" if len(months) == 1 else f"{first:%B %Y} to {last:%B %Y}"


def _listed(months: list[str]) -> str:
    """Months in words: a run as "April 2024 to June 2024", months apart one by one."""
    indices = [_month_index(date.fromisoformat(m + "-01")) for m in months]
    if indices == list(range(indices[0], indices[0] + len(indices))):
        return _words(months)
    return ", ".join(f"{date.fromisoformat(m + '-01'):%B %Y}" for m in months)


def windows(latest_label: str) -> dict[str, dict[str, Any]]:
    """The latest period's months, the same months a year before, and the period before it."""
    period = parse_period(latest_label)
    first, last = _month_index(period.start), _month_index(period.end)
    length = last - first + 1
    out = {}
    for name, shift in (("latest", 0), ("year_before", 12), ("previous", length)):
        months = [_month(i) for i in range(first - shift, last - shift + 1)]
        out[name] = {"months": months, "words": _words(months), "label": _label(first - shift, length, period.kind)}
    return out


# --- reading the record store ----------------------------------------------------------------------


def _columns(basis: Basis, by: list[str]) -> list[str]:
    """The columns a grouped read returns before its count: month, the groups, the type, the age."""
    return [
        "month",
        *by,
        *([] if "category" in by else ["category"]),
        *(["age"] if basis.age_under is not None else []),
    ]


def _grouped(basis: Basis, *, by: list[str], months: list[str], where: dict[str, list[str]]) -> list[tuple[Any, ...]]:
    """Record counts grouped in DuckDB by month and ``by``, cached until the store's next commit."""
    try:
        store = record_store()
        stamp = store.stamp()
        if not stamp:
            return []
        columns = _columns(basis, by)
        filters: dict[str, Iterable[str]] = {**{k: list(v) for k, v in basis.where.items()}, **where}
        parts = (store.root, stamp, basis, columns, months, sorted(filters.items()))
        key = "saferhub:performance:moved:" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
        rows = cache.get(key)
        if rows is None:
            rows = store.grouped_counts(
                by=columns,
                sources=[basis.source],
                datasets=basis.datasets,
                kinds=basis.kinds,
                months=months,
                assigned_only=True,
                where=filters,
            )
            cache.set(key, rows, CACHE_SECONDS)
        return list(rows)
    except (SaferhubError, OSError):
        return []


def _by_window(
    basis: Basis, rows: list[tuple[Any, ...]], by: list[str], months: dict[str, str]
) -> dict[tuple[Any, ...], dict[str, int]]:
    """Grouped rows summed by group (the ``by`` columns) and window, keeping only the records the
    indicator counts (its one crime type; the ages it counts)."""
    columns = _columns(basis, by)
    out: dict[tuple[Any, ...], dict[str, int]] = {}
    for row in rows:
        values = dict(zip(columns, row[:-1], strict=True))
        if basis.age_under is not None:
            age = values["age"]
            if age is None or age < 0 or age >= basis.age_under:
                continue
        if basis.type_slug and f"crime-{slugify(values['category'] or '')}" != basis.type_slug:
            continue
        window = months.get(values["month"])
        if window is not None:
            bucket = out.setdefault(tuple(values[c] for c in by), dict.fromkeys(WINDOWS, 0))
            bucket[window] += int(row[-1])
    return out


# --- tables --------------------------------------------------------------------------------------


def _protected(counts: dict[Any, dict[str, int]], decided: set[tuple[Any, str]]) -> set[tuple[Any, str]]:
    """The (row, window) cells a public reader may not see: small ones, those that would give one away
    through the column's total, and those hidden elsewhere (``decided``)."""
    hidden: set[tuple[Any, str]] = set()
    for window in WINDOWS:
        values: dict[Any, float | None] = {("row", k): v[window] for k, v in counts.items()}
        total = ("total",)
        values[total] = sum(v[window] for v in counts.values())
        relation = [(total, 1), *((k, -1) for k in values if k != total)]
        also: list[Any] = [("row", k) for k, w in decided if w == window and ("row", k) in values]
        if (("total",), window) in decided:
            also.append(total)
        decision = disclosure.protect(values, [relation], also_protect=also)
        hidden |= {(cast("tuple[Any, ...]", k)[1], window) for k in decision.hidden if k != total}
        if total in decision.hidden:
            hidden.add((("total",), window))
    return hidden


def _change(a: int, b: int, hidden_a: bool, hidden_b: bool) -> tuple[str, int | None]:
    if hidden_a or hidden_b:
        return "not shown", None
    diff = a - b
    return (f"+{number(diff)}" if diff > 0 else number(diff)), diff


def _table(
    counts: dict[Any, dict[str, int]],
    names: dict[Any, str],
    hidden: set[tuple[Any, str]],
    *,
    limit: int | None = None,
    compare_previous: bool = True,
    missing: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Rows of counts and changes, the biggest visible movers (against the year before) first."""
    rows: list[dict[str, Any]] = []
    for key, c in counts.items():
        cell = {w: disclosure.SMALL_TEXT if (key, w) in hidden else number(c[w]) for w in WINDOWS}
        cell.update(dict.fromkeys(missing, "–"))
        year_text, year_diff = _change(
            c["latest"], c["year_before"], (key, "latest") in hidden, (key, "year_before") in hidden
        )
        prev_text, prev_diff = _change(
            c["latest"], c["previous"], (key, "latest") in hidden, (key, "previous") in hidden
        )
        if "year_before" in missing:
            year_text, year_diff = "–", None
        if "previous" in missing:
            prev_text, prev_diff = "–", None
        rows.append(
            {
                "name": names.get(key, str(key[0])),
                **cell,
                "year_change": year_text,
                "previous_change": prev_text,
                "_order": year_diff if year_diff is not None else prev_diff,
            }
        )
    visible = sorted((r for r in rows if r["_order"] is not None), key=lambda r: (-abs(r["_order"]), r["name"]))
    rest = sorted((r for r in rows if r["_order"] is None), key=lambda r: r["name"])
    if limit is not None:
        listed = (visible or rest)[:limit]  # no change to order by: the first by name, as the note says
        return {"rows": listed, "not_listed": len(rows) - len(listed), "compare_previous": compare_previous}
    return {"rows": visible + rest, "not_listed": 0, "compare_previous": compare_previous}


def what_moved(*, indicator: Indicator, area: Area, latest_label: str, public: bool) -> dict[str, Any]:
    """The "What moved" section of the why page for one indicator in one area."""
    basis = basis_of(indicator)
    if basis is None:
        return {"cannot": NOT_FROM_RECORDS}
    try:
        spans = windows(latest_label)
    except SaferhubError:
        return {"cannot": NOT_FROM_RECORDS}
    month_window: dict[str, str] = {}
    for name in reversed(WINDOWS):  # the year before wins where it is also the previous period
        month_window.update(dict.fromkeys(spans[name]["months"], name))
    month_window.update(dict.fromkeys(spans["latest"]["months"], "latest"))
    same = spans["previous"]["months"] == spans["year_before"]["months"]
    all_months = sorted(month_window)
    if area.area_type in CSP_AREA_TYPES:
        within = [area.code]
        sub_by, sub_names = ["lsoa_code", "lsoa_name"], None
    else:
        districts = list(Area.objects.filter(area_type__in=CSP_AREA_TYPES).filter(parent=area)) or list(
            Area.objects.filter(area_type__in=CSP_AREA_TYPES, force_area=area)
        )
        within = [a.code for a in districts]
        sub_by, sub_names = ["area_code"], {(a.code,): a.name for a in districts}
    if not within:
        return {"cannot": "The hub holds no smaller areas within this one to break its figures down by."}
    where = {"area_code": within}
    type_rows = _grouped(basis, by=["category"], months=all_months, where=where)
    partial = ""
    latest_months = spans["latest"]["months"]
    held = sorted({str(r[0]) for r in type_rows} & set(latest_months))
    if held and len(held) < len(latest_months):
        # Like with like: the earlier windows keep only the months the latest one holds.
        offsets = [latest_months.index(m) for m in held]
        partial = (
            f"The hub holds {len(held)} of the {len(latest_months)} months of {period_words(latest_label)}, "
            "so each comparison uses the same months of the earlier periods."
        )
        for name in WINDOWS:
            months = [spans[name]["months"][i] for i in offsets]
            spans[name] = {**spans[name], "months": months, "words": _listed(months)}
        month_window = {}
        for name in reversed(WINDOWS):
            month_window.update(dict.fromkeys(spans[name]["months"], name))
        month_window.update(dict.fromkeys(spans["latest"]["months"], "latest"))
        same = spans["previous"]["months"] == spans["year_before"]["months"]
    types = _by_window(basis, type_rows, ["category"], month_window)
    total = {w: sum(c[w] for c in types.values()) for w in WINDOWS}
    if total["latest"] == 0:
        return {"cannot": NO_RECORDS, "spans": spans}
    subs = _by_window(basis, _grouped(basis, by=sub_by, months=all_months, where=where), sub_by, month_window)
    if sub_names is None:
        sub_names = {k: (k[1] or k[0] or "No LSOA recorded") for k in subs}
    absent = frozenset(w for w in ("year_before", *(() if same else ("previous",))) if total[w] == 0)
    missing = [spans[w]["words"] for w in ("year_before", "previous") if w in absent]
    type_hidden: set[tuple[Any, str]] = set()
    sub_hidden: set[tuple[Any, str]] = set()
    if public:
        decided = selectors.hidden_for(area_codes=[area.code, *within])
        labels = {spans[w]["label"]: w for w in WINDOWS}
        type_decided = {
            ((cat,), labels[p])
            for (cat,) in types
            for m, code, p, b in decided
            if code == area.code and not b and p in labels and m == f"crime-{slugify(cat or '')}"
        }
        family = basis.family_slug
        type_decided |= {
            (("total",), labels[p])
            for m, code, p, b in decided
            if code == area.code and not b and p in labels and m == family
        }
        sub_decided = {
            ((code,), labels[p])
            for m, code, p, b in decided
            if code in within and not b and p in labels and m == family
        }
        sub_decided |= {k for k in type_decided if k[0] == ("total",)}
        type_hidden = _protected(types, type_decided)
        sub_hidden = _protected(subs, sub_decided)
    type_names = {k: (k[0] or "Not recorded") for k in types}
    total_hidden = {w for w in WINDOWS if (("total",), w) in type_hidden | sub_hidden}
    shown_total = {w: disclosure.SMALL_TEXT if w in total_hidden else number(total[w]) for w in WINDOWS}
    shown_total.update(dict.fromkeys(absent, "no records"))
    return {
        "spans": spans,
        "partial": partial,
        "same_previous": same,
        "missing": missing,
        "total": shown_total,
        "types": _table(types, type_names, type_hidden, compare_previous=not same, missing=absent)
        if basis.grouped
        else None,
        "areas": _table(
            subs,
            sub_names,
            sub_hidden,
            limit=TOP_LSOAS if area.area_type in CSP_AREA_TYPES else None,
            compare_previous=not same,
            missing=absent,
        ),
        "areas_are_lsoas": area.area_type in CSP_AREA_TYPES,
        "sort_note": _sort_note(absent, same=same),
        "suppression_note": disclosure.EXPLANATION if (type_hidden or sub_hidden) else "",
        "rate_note": indicator.value_type != "count",
    }


def moved_csv(table: dict[str, Any], caption: str, first: str, spans: dict[str, Any]) -> ChartTable:
    """A "What moved" table as the page shows it (hidden counts as "fewer than 5", hidden changes
    "not shown"), for its CSV link."""
    columns = [first, spans["latest"]["words"], spans["year_before"]["words"], "Change on a year before"]
    keys = ["name", "latest", "year_before", "year_change"]
    if table["compare_previous"]:
        columns += [spans["previous"]["words"], "Change on the period before"]
        keys += ["previous", "previous_change"]
    rows = [[_csv_cell(r[k]) for k in keys] for r in table["rows"]]
    return ChartTable(caption=caption, columns=columns, rows=rows, numeric=set(range(1, len(columns))))


def _csv_cell(cell: Any) -> Any:
    """A shown count or change ("1,234", "+12") as a number for a spreadsheet; words as they are."""
    text = str(cell).replace(",", "")
    return int(text) if text.lstrip("+-").isdigit() else cell


def _sort_note(absent: frozenset[str], *, same: bool) -> str:
    """How the tables are ordered, as ``_table`` orders them: by the change on a year before, else
    (no records a year before) by the change on the period before, else by name."""
    if "year_before" not in absent:
        return "The biggest changes against a year before come first."
    if not same and "previous" not in absent:
        return "With no records for a year before, the biggest changes against the period before come first."
    return "With no earlier records to compare with, the rows are in alphabetical order."
