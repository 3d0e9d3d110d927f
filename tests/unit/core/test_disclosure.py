"""Small-number suppression (METHODS.md, "Publication and completeness"): counts of 1 to 4 and the
figures made from them are hidden from the public, with as much secondary suppression as it takes
for no hidden count to be worked out from everything published beside it.

The property tests check the published result independently of the module: an exact rank test with
SymPy (a hidden figure is fixed exactly when its unit vector lies in the row space of the published
relations restricted to the hidden figures) and SciPy's linear programme for the interval a reader
who knows that every hidden figure is at least 1 can narrow it to."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from saferhub.core import disclosure
from tests.disclosure_audit import exactly_derivable, feasible_width


def hierarchy(cells):
    """Districts × months with each district's total over the months, the county's figure for each
    month and the county's total: a two-level hierarchy in area and in time."""
    values, relations = {}, []
    n_d, n_m = len(cells), len(cells[0])
    for d in range(n_d):
        for m in range(n_m):
            values[("d", d, m)] = cells[d][m]
        values[("d", d, "total")] = sum(cells[d])
        relations.append([(("d", d, "total"), 1), *((("d", d, m), -1) for m in range(n_m))])
    for m in range(n_m):
        values[("county", m)] = sum(cells[d][m] for d in range(n_d))
        relations.append([(("county", m), 1), *((("d", d, m), -1) for d in range(n_d))])
    values[("county", "total")] = sum(map(sum, cells))
    relations.append([(("county", "total"), 1), *((("county", m), -1) for m in range(n_m))])
    county = frozenset(k for k in values if k[0] == "county")
    insiders = [
        disclosure.Insider(knows=frozenset(k for k in values if k[0] == "d" and k[1] == d), shares=county)
        for d in range(n_d)
    ]
    return values, relations, insiders


counts = st.one_of(st.just(0), st.integers(1, 4), st.integers(5, 60))
tables = st.integers(2, 5).flatmap(
    lambda n_m: st.lists(st.lists(counts, min_size=n_m, max_size=n_m), min_size=2, max_size=5)
)


@settings(max_examples=60, deadline=None)
@given(tables)
def test_no_hidden_figure_of_a_two_level_hierarchy_can_be_derived_from_what_is_published(cells):
    values, relations, insiders = hierarchy(cells)
    decision = disclosure.protect(values, relations, insiders=insiders)
    hidden = decision.hidden
    assert not decision.exposed
    assert {k for k, v in values.items() if disclosure.is_small(v)} <= hidden, "every 1–4 is hidden"
    assert not any(values[k] == 0 for k in hidden), "zeros are shown"
    for key in hidden:  # the public: no hidden figure, small or not, follows from what is shown
        assert not exactly_derivable(relations, hidden, key), key
    for key in decision.primary:
        assert feasible_width(relations, values, hidden, key) > 0.5, key
    for insider in insiders:  # a district's own members see its figures: still nobody else's small count
        for key in decision.primary - insider.knows - insider.shares:
            assert not exactly_derivable(relations, hidden - insider.knows, key), (key, "insider")


def test_the_county_total_minus_the_districts_gives_nothing_away():
    # Signed out, 239 (county) − 237 (the districts shown) gave a hidden 2 before.
    cells = [[2, 40], [120, 33], [117, 51]]
    values, relations, insiders = hierarchy(cells)
    hidden = disclosure.protect(values, relations, insiders=insiders).hidden
    assert ("d", 0, 0) in hidden
    assert not exactly_derivable(relations, hidden, ("d", 0, 0))
    shown_in_month = [values[("d", d, 0)] for d in range(3) if ("d", d, 0) not in hidden]
    assert values[("county", 0)] not in hidden and len(shown_in_month) <= 1


def test_a_bridge_between_two_protected_blocks_is_caught_by_the_rank_test():
    # Hidden cells where every line holds two, yet one is fixed: the line rule alone passes it.
    relations = [
        [("r0", 1), ("a", -1), ("b", -1)],
        [("r1", 1), ("c", -1), ("d", -1), ("x", -1)],
        [("c0", 1), ("a", -1), ("c", -1)],
        [("c1", 1), ("b", -1), ("d", -1)],
        [("r2", 1), ("x", -1), ("e", -1)],
    ]
    hidden = {"a", "b", "c", "d", "x", "e"}
    assert disclosure.determined(relations, hidden) == {"x", "e"} or "x" in disclosure.determined(relations, hidden)
    assert exactly_derivable(relations, hidden, "x")


def test_two_hidden_ones_that_sum_to_a_shown_two_are_protected_by_more():
    values = {"a": 1, "b": 1, "c": 9, "total": 11, "a2": 6, "b2": 7, "col_a": 7, "col_b": 8}
    relations = [
        [("total", 1), ("a", -1), ("b", -1), ("c", -1)],
        [("col_a", 1), ("a", -1), ("a2", -1)],
        [("col_b", 1), ("b", -1), ("b2", -1)],
    ]
    decision = disclosure.protect(values, relations)
    for key in ("a", "b"):
        assert feasible_width(relations, values, decision.hidden, key) > 0.5


def test_an_insider_who_sees_one_district_cannot_work_out_another():
    # Harlow's members see Harlow's 9 whole; with the county total that would give Basildon's 3.
    values = {"harlow": 9, "basildon": 3, "county": 12}
    relations = [[("county", 1), ("harlow", -1), ("basildon", -1)]]
    public_only = disclosure.protect(values, relations)
    assert "harlow" in public_only.hidden and "county" not in public_only.hidden
    guarded = disclosure.protect(values, relations, insiders=[frozenset({"harlow"})])
    assert "county" in guarded.hidden


def test_counts_of_one_to_four_are_small_and_zero_and_five_are_not():
    assert [disclosure.is_small(n) for n in (None, 0, 1, 2, 3, 4, 4.5, 5, 12)] == [
        False,
        False,
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]


def test_a_rate_on_a_small_numerator_discloses_and_a_count_on_its_value():
    assert disclosure.point_discloses({"value": 2.5, "numerator": 3, "denominator": 1200}, count=False)
    assert not disclosure.point_discloses({"value": 2.5, "numerator": 30, "denominator": 12000}, count=False)
    assert not disclosure.point_discloses({"value": 3.0}, count=False)  # a rate of 3 per 1,000 is no count
    assert disclosure.point_discloses({"value": 3.0}, count=True)
    assert not disclosure.point_discloses({"value": 0.0}, count=True)


def test_public_detail_masks_every_place_a_small_count_appears_and_withholds_what_is_made_from_it():
    detail = {
        "latest": {"period": "2024-03", "value": 2.0, "numerator": 2.0, "lower_95": 0.2, "upper_95": 7.2},
        "series": [
            {"period": "2024-01", "value": 9.0, "numerator": 9.0, "lower_95": 4.1, "upper_95": 17.1},
            {"period": "2024-02", "value": 0.0, "numerator": 0.0, "lower_95": 0.0, "upper_95": 3.7},
            {"period": "2024-03", "value": 2.0, "numerator": 2.0, "lower_95": 0.2, "upper_95": 7.2},
        ],
        "spc": {
            "mean": 3.67,
            "upper_limit": 9.0,
            "points": [
                {"period": p, "value": v, "mean": 3.67} for p, v in (("2024-01", 9), ("2024-02", 0), ("2024-03", 2))
            ],
        },
        "forecast": {"points": [{"period": "2024-04", "value": 1.5}]},
        "districts": {
            "benchmark": {"code": "E10000012", "value": 9.0},
            "rows": [
                {"code": "E07000073", "value": 1.0, "numerator": 1.0},
                {"code": "E07000066", "value": 8.0, "numerator": 8.0},
            ],
            "funnel": {"units": [{"code": "E07000073", "numerator": 1.0}, {"code": "E07000066", "numerator": 8.0}]},
        },
    }
    public = disclosure.public_detail(detail, count=True)
    assert public["latest"]["value"] is None and public["latest"]["suppressed"] is True
    assert public["latest"]["lower_95"] is None and public["latest"]["numerator"] is None
    assert [p.get("suppressed", False) for p in public["series"]] == [False, False, True]
    assert public["series"][1]["value"] == 0.0  # zero is shown
    # mean × 3 − 9 − 0 would give the hidden 2: the mean, the limits and the forecast go.
    assert public["spc"]["mean"] is None and public["spc"]["upper_limit"] is None
    assert [p["value"] for p in public["spc"]["points"]] == [9, 0]  # the hidden point is not drawn at all
    assert all(p["mean"] is None for p in public["spc"]["points"]) and public["spc"]["withheld"]
    assert public["forecast"] is None and public["forecast_withheld"]
    assert [r.get("suppressed", False) for r in public["districts"]["rows"]] == [True, False]
    assert public["districts"]["funnel"] is None  # its pooled value is made from the hidden 1
    assert detail["latest"]["value"] == 2.0 and detail["series"][2]["value"] == 2.0  # untouched


def test_public_detail_masks_secondary_periods_areas_and_benchmarks_it_is_told_of():
    detail = {
        "series": [{"period": "2024-01", "value": 30.0, "numerator": 30.0}],
        "latest": {"period": "2024-01", "value": 30.0, "numerator": 30.0},
        "comparisons": [{"key": "area:E10000012", "benchmark": 41.0}],
        "benchmark": {"key": "area:E10000012", "benchmark": 41.0},
        "districts": {
            "benchmark": {"code": "E10000012", "value": 41.0},
            "rows": [{"code": "E07000073", "value": 30.0}],
        },
    }
    public = disclosure.public_detail(
        detail,
        count=True,
        hidden_periods=["2024-01"],
        hidden_areas=["E10000012"],
        hidden_benchmarks=["area:E10000012"],
    )
    assert public["series"][0]["suppressed"] and public["latest"]["suppressed"]
    assert public["comparisons"][0]["benchmark"] is None and public["benchmark"]["benchmark"] is None
    assert public["districts"]["benchmark"]["value"] is None


def test_a_lone_small_cell_takes_a_rectangle_with_it():
    # rows are crime types, columns months; both totals are shown
    table = [
        [3, 10, 12],
        [20, 30, 40],
        [15, 25, 35],
    ]
    mask = disclosure.suppress_table(table)
    hidden = {(i, j) for i, row in enumerate(mask.cells) for j, h in enumerate(row) if h}
    # 3 is primary; row 0's next smallest is 10 (0,1); column 0's is 15 (2,0); then column 1 has
    # (0,1) alone → its next smallest 25 (2,1); row 2 then holds (2,0) and (2,1): settled.
    assert hidden == {(0, 0), (0, 1), (2, 0), (2, 1)}
    assert not any(mask.row_totals) and not any(mask.column_totals)


def test_a_small_total_is_hidden_with_its_cell():
    mask = disclosure.suppress_table([[2, 0, 0]], column_totals=False)
    assert mask.cells == [[True, False, False]]
    assert mask.row_totals == [True]


def test_missing_cells_are_never_chosen_and_zeros_never_hidden():
    mask = disclosure.suppress_table([[4, None, 0, 7]], column_totals=False)
    assert mask.cells == [[True, False, False, True]]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=40)), min_size=4, max_size=4),
        min_size=1,
        max_size=6,
    )
)
def test_no_hidden_cell_of_a_table_follows_from_its_shown_totals(table):
    mask = disclosure.suppress_table(table)
    n = len(table)
    relations = disclosure.table_relations(n, 4)
    hidden = {("cell", i, j) for i in range(n) for j in range(4) if mask.cells[i][j]}
    hidden |= {("row", i) for i in range(n) if mask.row_totals[i]}
    hidden |= {("column", j) for j in range(4) if mask.column_totals[j]}
    for i, row in enumerate(table):
        assert all(mask.cells[i][j] for j, v in enumerate(row) if disclosure.is_small(v)), "every 1–4 is hidden"
        assert not any(mask.cells[i][j] for j, v in enumerate(row) if not v), "zeros and blanks are shown"
    for key in hidden:
        assert not exactly_derivable(relations, hidden, key), key
