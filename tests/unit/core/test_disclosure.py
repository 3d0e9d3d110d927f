"""Small-number suppression (METHODS.md, "Publication and completeness"): counts of 1 to 4 and the
figures made from them are hidden from the public, with secondary suppression against subtraction."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from saferhub.core import disclosure


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


def test_public_detail_masks_every_place_a_small_count_appears_and_leaves_the_original():
    detail = {
        "latest": {"period": "2024-03", "value": 2.0, "numerator": 2.0, "lower_95": 0.2, "upper_95": 7.2},
        "series": [
            {"period": "2024-01", "value": 9.0, "numerator": 9.0, "lower_95": 4.1, "upper_95": 17.1},
            {"period": "2024-02", "value": 0.0, "numerator": 0.0, "lower_95": 0.0, "upper_95": 3.7},
            {"period": "2024-03", "value": 2.0, "numerator": 2.0, "lower_95": 0.2, "upper_95": 7.2},
        ],
        "spc": {
            "points": [
                {"period": p, "value": v, "mean": 3.7} for p, v in (("2024-01", 9), ("2024-02", 0), ("2024-03", 2))
            ]
        },
        "districts": {
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
    assert [p["value"] for p in public["spc"]["points"]] == [9, 0, None]
    assert [r.get("suppressed", False) for r in public["districts"]["rows"]] == [True, False]
    assert [u["code"] for u in public["districts"]["funnel"]["units"]] == ["E07000066"]
    assert detail["latest"]["value"] == 2.0 and detail["series"][2]["value"] == 2.0  # untouched


def test_a_lone_small_cell_takes_the_next_smallest_in_its_row_and_column_with_it():
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


def test_when_nothing_else_can_hide_a_cell_the_total_is_withheld():
    mask = disclosure.suppress_table([[2, 0, 0]], column_totals=False)
    assert mask.cells == [[True, False, False]]
    assert mask.row_totals == [True]


def test_missing_cells_are_never_chosen_and_zeros_never_hidden():
    mask = disclosure.suppress_table([[4, None, 0, 7]], column_totals=False)
    assert mask.cells == [[True, False, False, True]]


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=40)), min_size=4, max_size=4),
        min_size=1,
        max_size=6,
    )
)
def test_no_shown_total_leaves_a_single_hidden_cell_to_work_out(table):
    mask = disclosure.suppress_table(table)
    for i, row in enumerate(table):
        assert all(mask.cells[i][j] for j, v in enumerate(row) if disclosure.is_small(v)), "every 1–4 is hidden"
        assert not any(mask.cells[i][j] for j, v in enumerate(row) if not v), "zeros and blanks are shown"
        if not mask.row_totals[i]:
            assert sum(mask.cells[i]) != 1
    for j in range(4):
        if not mask.column_totals[j]:
            assert sum(mask.cells[i][j] for i in range(len(table))) != 1
