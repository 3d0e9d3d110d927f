"""The deprivation gradient's arithmetic: deciles through the 2011 ↔ 2021 lookup, rates, and the slope
index of inequality against PHE's published worked examples (PHEindicatormethods testdata_SII, the
"rate with CLs" case, which tests/unit/stats/test_inequality.py reads from the same workbook)."""

from __future__ import annotations

import pytest

from saferhub.assessment.deprivation import DecileMatch, DecileRow, gradient, gradient_sii, match_deciles
from tests.unit.stats.fixtures import optional_float, reference_csv

RECORDS = {int(r["RecordNo"]): r for r in reference_csv("phe_sii.csv")}


def test_the_sii_of_a_gradient_is_phes_published_figure_turned_round():
    """PHE's rate case (records 71–90, two areas of ten deciles; expected in records 71 and 81). The
    page turns the slope round (multiplier −1) so that a positive SII is more in the most deprived
    end: our SII is minus PHE's and our RII its reciprocal."""
    checked = 0
    for first, expected in ((71, 71), (81, 81)):
        records = [RECORDS[i] for i in range(first, first + 10)]
        rows = [
            DecileRow(
                decile=int(r["Quantile"]),
                lsoas=1,
                population=int(float(r["Population"])),
                count=1,
                rate=float(r["Value"]),
                lower=float(r["LowerCL"]),
                upper=float(r["UpperCL"]),
            )
            for r in records
        ]
        result, note = gradient_sii(rows, repetitions=10_000)
        assert result is not None and "log scale" in note
        ref = RECORDS[expected]
        sii, rii = optional_float(ref["sii"]), optional_float(ref["rii"])
        assert sii is not None and rii is not None
        assert result.sii == pytest.approx(-sii, rel=1e-6)
        assert result.rii == pytest.approx(1 / rii, rel=1e-6)
        low, high = optional_float(ref["sii_lowercl_1"]), optional_float(ref["sii_uppercl_1"])
        assert low is not None and high is not None
        assert result.limits[0].sii_lower == pytest.approx(-high, rel=0.05)  # PHE's own tolerance for simulation
        assert result.limits[0].sii_upper == pytest.approx(-low, rel=0.05)
        checked += 1
    assert checked == 2


def test_a_2021_lsoa_takes_its_2011_decile_only_when_its_2011_lsoas_agree():
    deciles_2011 = {"E01000001": 1, "E01000002": 3, "E01000003": 3, "E01000004": 7}
    to_2011 = {
        "E01035001": ["E01000001"],  # split from one 2011 LSOA
        "E01035002": ["E01000002", "E01000003"],  # merged, both decile 3
        "E01035003": ["E01000003", "E01000004"],  # merged across deciles 3 and 7
    }
    match = match_deciles(
        codes=["E01000001", "E01035001", "E01035002", "E01035003", "E01035999", "E01009999"],
        deciles_2011=deciles_2011,
        to_2011=to_2011,
        outside=frozenset({"E01009999"}),
    )
    assert match.decile == {"E01000001": 1, "E01035001": 1, "E01035002": 3}
    assert match.unmatched == {
        "E01035003": "made from 2011 LSOAs in 2 different deciles",
        "E01035999": "not in the 2011 to 2021 lookup",
        "E01009999": "an LSOA of another district",
    }


def test_rates_per_thousand_count_unmatched_records_and_need_five_deciles_for_an_sii():
    match = DecileMatch(decile={"A": 1, "B": 2, "C": 2}, unmatched={"D": "not in the 2011 to 2021 lookup"})
    result = gradient(
        lsoa_counts={"A": 30, "B": 5, "C": 5, "D": 7},
        match=match,
        populations={1: 1500, 2: 4000},
        lsoas_per_decile={1: 1, 2: 3},
    )
    assert [(r.decile, r.count, r.lsoas) for r in result.rows] == [(1, 30, 1), (2, 10, 3)]
    assert result.rows[0].rate == pytest.approx(20.0) and result.rows[1].rate == pytest.approx(2.5)
    assert result.rows[0].lower < 20.0 < result.rows[0].upper
    assert result.unmatched_records == 7 and result.unmatched_lsoas == {"D": "not in the 2011 to 2021 lookup"}
    assert result.sii is None and "at least 5 deciles" in result.sii_note


def test_a_decile_with_no_records_is_simulated_on_the_rates_not_their_logs():
    rows = [
        DecileRow(decile=d, lsoas=1, population=1000, count=n, rate=float(n), lower=0.0, upper=n + 3.7)
        for d, n in zip(range(1, 7), (12, 8, 0, 6, 3, 2), strict=True)
    ]
    result, note = gradient_sii(rows, repetitions=2000)
    assert result is not None and result.value_type == "other" and "not their logs" in note
    assert result.sii > 0  # more in the most deprived end
