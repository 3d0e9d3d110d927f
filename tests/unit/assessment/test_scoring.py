"""The priority matrix's scoring rules (docs/assessment.md, "Each partnership's priority matrix"),
worked by hand at and around each threshold."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saferhub.assessment.scoring import (
    DEFAULT_WEIGHTS,
    THEMES_BY_KEY,
    Evidence,
    check_weights,
    score_concern,
    score_matrix,
    score_performance,
    score_repeat,
    score_seriousness,
    score_volume,
    trend_ratio,
    weighted_total,
)
from saferhub.core.errors import ValidationProblem

ASB = THEMES_BY_KEY["asb"]


def ev(**kw) -> Evidence:
    base = {"theme": ASB, "count": 100, "monthly": (25, 25, 25, 25), "area_total": 1000, "population": 50_000}
    return Evidence(**{**base, **kw})


@pytest.mark.parametrize(("count", "score"), [(100, 3), (99, 2), (30, 2), (29, 1), (0, 1)])
def test_volume_bands_at_10_and_3_per_cent(count, score):
    s = score_volume(ev(count=count))
    assert s.score == score
    assert f"Rate: {count / 50:.2f} per 1,000 residents (50,000 residents)" in s.inputs


def test_volume_with_nothing_recorded_is_no_evidence_not_zero():
    s = score_volume(ev(count=0, area_total=0))
    assert s.score is None and s.text == "No evidence"


def test_seriousness_not_weighted_without_an_index_and_banded_with_one():
    assert score_seriousness(ev()).score is None
    assert score_seriousness(ev()).reason == "Not weighted: no harm index is loaded."
    s = score_seriousness(ev(harm=Decimal(50), harm_total=Decimal(1000), harm_index="CSS (2023)"))
    assert s.score == 2 and "Share of harm: 5.0%" in s.inputs
    assert score_seriousness(ev(harm=Decimal(100), harm_total=Decimal(1000), harm_index="x")).score == 3


def test_performance_against_the_most_similar_group():
    # The area's rate is 100 / 50,000 × 1,000 = 2.0 per 1,000.
    assert score_performance(ev(group_rate=1.8, group_label="g")).score == 3  # 111%
    assert score_performance(ev(group_rate=2.0, group_label="g")).score == 2
    assert score_performance(ev(group_rate=2.3, group_label="g")).score == 1  # 87%
    raised = score_performance(ev(group_rate=2.3, group_label="g", spc_variation="concern_high"))
    assert raised.score == 3 and "special cause of concern" in raised.reason
    lowered = score_performance(ev(group_rate=1.8, group_label="g", spc_variation="improvement_low"))
    assert lowered.score == 2


def test_performance_falls_back_on_the_trend_over_the_months():
    assert trend_ratio((10, 20, 30, 40, 50, 60)) == pytest.approx((50 + 60) / (10 + 20))
    assert trend_ratio((5, 6)) is None  # under 3 months
    assert score_performance(ev(monthly=(20, 25, 30))).score == 3  # 150%
    assert score_performance(ev(monthly=(30, 25, 20))).score == 1
    assert score_performance(ev(monthly=(30, 25, 28))).score == 2  # 93%
    assert score_performance(ev(monthly=(5, 6), population=None)).score is None


def test_public_concern_bands_and_no_evidence():
    none = score_concern(ev())
    assert none.score is None and none.reason == "No survey return on this theme for the area."
    assert score_concern(ev(concern_value=30.0, concern_label="x")).score == 3
    assert score_concern(ev(concern_value=29.9, concern_label="x")).score == 2
    assert score_concern(ev(concern_value=14.9, concern_label="x")).score == 1


def test_repeat_share_against_the_area_share():
    assert score_repeat(ev(repeat_share=0.55, repeat_base=0.5)).score == 3
    assert score_repeat(ev(repeat_share=0.5, repeat_base=0.5)).score == 2
    assert score_repeat(ev(repeat_share=0.45, repeat_base=0.5)).score == 1
    assert score_repeat(ev()).score is None


def test_weighted_total_leaves_out_criteria_without_evidence():
    scores = [score_volume(ev()), score_seriousness(ev()), score_repeat(ev(repeat_share=0.2, repeat_base=0.5))]
    # volume 3, seriousness none, repeat 1: (2×3 + 1×1) / 3
    assert weighted_total(scores, {**DEFAULT_WEIGHTS, "volume": 2}) == pytest.approx(7 / 3)
    assert weighted_total([score_seriousness(ev())], DEFAULT_WEIGHTS) is None


def test_weights_are_whole_numbers_from_0_to_5():
    assert check_weights({}) == DEFAULT_WEIGHTS
    for bad in (6, -1, 1.5, True, "2"):
        with pytest.raises(ValidationProblem, match="volume must be a whole number from 0 to 5"):
            check_weights({"volume": bad})
    with pytest.raises(ValidationProblem, match="at least one"):
        check_weights(dict.fromkeys(DEFAULT_WEIGHTS, 0))


def test_ranking_proposes_the_first_five_with_evidence():
    keys = ["acquisitive", "vehicle", "burglary", "robbery", "shoplifting", "violence", "drugs"]
    evidence = [ev(theme=THEMES_BY_KEY[k], count=10 * (i + 1)) for i, k in enumerate(keys)]
    results = score_matrix(evidence)
    assert [r.rank for r in results] == list(range(1, 8))
    assert [r.proposed for r in results] == [True] * 5 + [False] * 2
    # Equal weighted scores are ranked by records.
    keys_in_order = [(-(r.total or 0), -r.count) for r in results]
    assert keys_in_order == sorted(keys_in_order)
