"""Computable indicator definitions: checked with the field at fault named, and their figures agree
with a plain DuckDB count over the store's Parquet files."""

import duckdb
import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.incidents.layout import COLUMN_NAMES, RECORD_COLUMNS, PartitionKey, sql_literal
from saferhub.incidents.store import RecordStore
from saferhub.measures.definitions import area_month_rows, parse_definition, roll_up, store_filters

SAC = {
    "source": "police-uk",
    "dataset": "street",
    "kinds": ["crime"],
    "filters": {"category": ["burglary", "robbery", "vehicle-crime"]},
    "unit": "rate_per_1000",
    "denominator": "population",
    "period_type": "financial_year",
}


def test_a_full_definition_is_read_with_its_filters_and_multiplier():
    definition = parse_definition(SAC, where="essex.yaml, 2a")
    assert definition.filters == {"category": ("burglary", "robbery", "vehicle-crime")}
    assert definition.multiplier == 1000
    assert definition.kinds == ("crime",)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"source": "twitter"}, "source", "'twitter' is not one of police-uk, stats19"),
        ({"dataset": "casualty"}, "dataset", "'casualty' is not one of street, outcomes"),
        ({"kinds": ["casualty"]}, "kinds", "kind 'casualty' is not in police-uk street records"),
        ({"filters": {"colour": ["red"]}}, "filters", "cannot filter on 'colour'"),
        ({"unit": "percent"}, "unit", "'percent' is not one of count"),
        ({"period_type": "week"}, "period_type", "'week' is not one of month"),
        ({"denominator": ""}, "denominator", "needs denominator: population"),
        ({"age_under": "16"}, "age_under", "whole number of years"),
        ({"colour": "red"}, "colour", "unknown key 'colour'"),
    ],
)
def test_a_bad_definition_names_where_and_which_field(change, field, words):
    with pytest.raises(ValidationProblem, match=words) as caught:
        parse_definition({**SAC, **change}, where="essex.yaml, 2a")
    assert caught.value.field == field
    assert caught.value.where == "essex.yaml, 2a"


def test_a_financial_year_with_seven_months_held_is_partial_and_its_quarters_whole_or_not():
    rows = [("E07000073", f"2023-{m:02d}", m) for m in range(4, 11)]  # April to October 2023
    (year,) = roll_up(rows, "financial_year")
    assert (year.label, year.months, year.months_needed, year.partial) == ("2023/24", 7, 12, True)
    assert year.count == sum(m for m in range(4, 11))
    quarters = {p.label: p for p in roll_up(rows, "quarter")}
    assert not quarters["2023-Q2"].partial and not quarters["2023-Q3"].partial
    assert quarters["2023-Q4"].partial and quarters["2023-Q4"].months == 1


def test_a_held_month_without_records_counts_as_zero_not_missing():
    (year,) = roll_up([("A", "2023-01", 4)], "year", held_months=[f"2023-{m:02d}" for m in range(1, 13)])
    assert (year.count, year.partial) == (4, False)


def test_rolling_twelve_months_end_at_each_month_and_are_whole_only_with_twelve_held():
    rows = [("A", f"{y}-{m:02d}", 1) for y in (2023,) for m in range(1, 13)] + [("A", "2024-01", 5)]
    windows = {p.label: p for p in roll_up(rows, "rolling_12_months")}
    whole = [label for label, p in windows.items() if not p.partial]
    assert whole == ["2023-01-01..2023-12-31", "2023-02-01..2024-01-31"]
    assert windows["2023-02-01..2024-01-31"].count == 11 + 5


def _records(month: str, rows: list[tuple[str, str, str, int | None]]) -> str:
    """Records of one month: (kind, category, area, age) each."""
    selects = []
    for n, (kind, category, area, age) in enumerate(rows):
        values = dict.fromkeys(COLUMN_NAMES, "NULL")
        values.update(
            source="'police-uk'",
            kind=sql_literal(kind),
            month=sql_literal(month),
            part="'essex-police'",
            category=sql_literal(category),
            area_code=sql_literal(area),
            area_status="'assigned'",
            age=str(age) if age is not None else "NULL",
            row_number=str(n + 2),
        )
        cols = ", ".join(f"CAST({v} AS {dict(RECORD_COLUMNS)[k]}) AS {k}" for k, v in values.items())
        selects.append(f"SELECT {cols}")
    return " UNION ALL ".join(selects)


def test_counts_from_the_store_agree_with_a_plain_duckdb_count_of_the_parquet_files(tmp_path):
    store = RecordStore(tmp_path)
    months = {
        "2024-01": [
            ("crime", "burglary", "E1", None),
            ("crime", "robbery", "E1", None),
            ("crime", "shoplifting", "E1", None),
            ("asb", "anti-social-behaviour", "E1", None),
            ("crime", "vehicle-crime", "E2", None),
        ],
        "2024-02": [("crime", "burglary", "E2", None), ("crime", "burglary", "E2", None)],
    }
    txn = store.begin(token="t1", import_id=1)
    con = store.connect()
    for month, rows in months.items():
        txn.write(con, key=PartitionKey("police-uk", "street", month, "essex-police"), select_sql=_records(month, rows))
    con.close()
    txn.commit()
    definition = parse_definition({**SAC, "period_type": "month"}, where="test")
    ours = roll_up(area_month_rows(store.grouped_counts(**store_filters(definition)), definition), "month")
    plain = duckdb.sql(
        f"SELECT area_code, month, count(*) FROM read_parquet('{tmp_path}/records/**/*.parquet', union_by_name=true) "
        "WHERE kind = 'crime' AND category IN ('burglary', 'robbery', 'vehicle-crime') GROUP BY ALL"
    ).fetchall()
    plain_counts = {(a, m): c for a, m, c in plain}
    assert {(p.area, p.label): p.count for p in ours if p.count} == plain_counts
    assert all(not p.partial for p in ours)


def test_children_count_only_records_of_a_known_age_under_the_limit():
    definition = parse_definition(
        {"source": "stats19", "dataset": "casualty", "unit": "count", "period_type": "year", "age_under": 16},
        where="test",
    )
    assert store_filters(definition)["by"] == ["area", "month", "age"]
    rows = [("A", "2024-01", 15, 2), ("A", "2024-01", 16, 5), ("A", "2024-01", None, 7), ("A", "2024-02", 0, 1)]
    assert area_month_rows(rows, definition) == [("A", "2024-01", 2), ("A", "2024-02", 1)]
