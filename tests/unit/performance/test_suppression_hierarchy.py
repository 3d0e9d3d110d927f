"""The area hierarchy the suppression decision is told about holds above the county too: a region is
its counties, districts and unitaries, a country its regions (and its police force areas). Without
the county → region link a hidden county count was the region's minus its other parts, all shown.

The relations a reader can use are written out here by hand, from the geography, not taken from
the code under test; ``tests.disclosure_audit`` (SymPy's exact rank, SciPy's programme) judges."""

from __future__ import annotations

import datetime as dt

from saferhub.core import disclosure
from saferhub.geography.models import Area
from saferhub.performance.suppression import area_sums, family_relations
from tests.disclosure_audit import exactly_derivable, feasible_width

MONTH = ("month", dt.date(2025, 3, 1), dt.date(2025, 3, 31))
# pk, code, type, parent, force area
GEOGRAPHY = [
    (1, "E92000001", "country", None, None),
    (2, "E12000006", "region", 1, None),
    (3, "E10000012", "county", 2, None),
    (4, "E07000066", "district", 3, 10),
    (5, "E07000073", "district", 3, 10),
    (6, "E06000033", "unitary", 2, 10),
    (7, "E09000001", "district", 2, 11),  # a district straight in its region (London's boroughs)
    (8, "W92000004", "country", None, None),
    (9, "W06000015", "unitary", 8, 12),
    (10, "E23000030", "police_force_area", 1, None),
    (11, "E23000001", "police_force_area", 1, None),
    (12, "W15000004", "police_force_area", 8, None),
]


def _areas(*, forces: bool = True) -> dict[str, Area]:
    return {
        code: Area(
            pk=pk, code=code, name=code, area_type=kind, parent_id=parent, force_area_id=force if forces else None
        )
        for pk, code, kind, parent, force in GEOGRAPHY
        if forces or kind != "police_force_area"
    }


def test_each_area_is_the_sum_of_what_it_holds_in_each_tree():
    sums = area_sums(_areas())
    assert sums["E10000012"] == [["E07000066", "E07000073"]]
    assert sums["E12000006"] == [["E06000033", "E09000001", "E10000012"]]  # its county too
    assert sums["E92000001"] == [["E23000001", "E23000030"], ["E12000006"]]  # its forces; its regions
    assert sums["W92000004"] == [["W15000004"], ["W06000015"]]
    assert sums["E23000030"] == [["E06000033", "E07000066", "E07000073"]]
    assert sums["E23000001"] == [["E09000001"]]
    assert "E07000066" not in sums  # a district holds nothing


def test_a_hidden_county_count_is_not_the_region_minus_its_other_parts():
    """County 3 (= 1 + 2, all small and hidden); region 60, unitary 40 and the borough 17 shown would
    give 60 − 40 − 17 = 3. No force areas here, so that no other relation happens to cover it."""
    figures = {"E07000066": 1, "E07000073": 2, "E10000012": 3, "E06000033": 40, "E09000001": 17, "E12000006": 60}
    values: dict = {("all-crime", code, "2025-03", ""): n for code, n in figures.items()}
    spans = dict.fromkeys(values, MONTH)
    relations = family_relations(values, spans, _areas(forces=False))
    decision = disclosure.protect(values, relations)
    hidden = set(decision.primary) | set(decision.secondary)

    def cell(code):
        return ("all-crime", code, "2025-03", "")

    truth = [  # what a reader knows of these areas, whatever the code was told
        [(cell("E10000012"), 1), (cell("E07000066"), -1), (cell("E07000073"), -1)],
        [(cell("E12000006"), 1), (cell("E10000012"), -1), (cell("E06000033"), -1), (cell("E09000001"), -1)],
    ]
    small = [c for c, v in values.items() if disclosure.is_small(v)]
    assert {cell("E10000012"), cell("E07000066"), cell("E07000073")} <= hidden
    assert len(hidden) > len(small)  # something else is hidden to cover the county
    for key in small:
        assert not exactly_derivable(truth, hidden, key), key
        assert feasible_width(truth, values, hidden, key) >= 1, key
