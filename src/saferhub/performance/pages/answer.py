"""The public reader's question, answered first on an indicator page: is this area better or worse
than its benchmark, and is it getting better or worse? Words only from the stored statuses that the
headline below shows (the benchmark comparison and the recent trend), so the answer never says more
than the figures beneath it."""

from __future__ import annotations

from typing import Any

from saferhub.framework.models import Indicator
from saferhub.geography.models import Area
from saferhub.performance import links
from saferhub.performance.models import IndicatorSummary

#: Compared with the benchmark, in words that finish "<area> is …".
COMPARED = {
    "better": "better than {benchmark}",
    "worse": "worse than {benchmark}",
    "similar": "similar to {benchmark}",
    "higher": "higher than {benchmark}",
    "lower": "lower than {benchmark}",
}

#: The recent trend, in words that follow the comparison.
GETTING = {
    "getting_better": "getting better",
    "getting_worse": "getting worse",
}
MOVING = {
    "increasing": "going up",
    "decreasing": "going down",
    "no_significant_change": "not changing much",
}


def indicator_answer(
    *, indicator: Indicator, area: Area, summary: IndicatorSummary, detail: dict[str, Any]
) -> dict[str, str]:
    """``sentence``: one line (e.g. "Worse than Essex, and getting better."); ``compared`` and
    ``trend``: the two halves as full sentences; ``why``: where each is worked out."""
    benchmark = summary.benchmark_name or "the benchmark"
    outcome = summary.benchmark_outcome
    if outcome in COMPARED:
        compared = COMPARED[outcome].format(benchmark=benchmark)
        compared_sentence = f"{area.name} is {compared}."
    else:
        compared = f"not compared with {benchmark}" if summary.benchmark_name else "not compared with a benchmark"
        compared_sentence = (
            f"{area.name} is {compared}: there is no benchmark value or no better direction to judge by."
        )
    trend = detail.get("trend") or {}
    assessment = trend.get("assessment")
    movement = trend.get("outcome", "cannot_be_calculated")
    if assessment in GETTING:
        getting = GETTING[assessment]
        trend_sentence = f"It is {getting}: {MOVING.get(movement, movement)} over the recent periods."
    elif movement in MOVING:
        getting = MOVING[movement]
        trend_sentence = f"It is {getting} over the recent periods."
    else:
        getting = "its recent trend cannot be worked out yet"
        trend_sentence = "There are too few recent values to say whether it is getting better or worse."
    sentence = f"{compared[0].upper()}{compared[1:]}, and {getting}."
    return {
        "sentence": sentence,
        "compared": compared_sentence,
        "trend": trend_sentence,
        "why_compared": links.why_url(indicator, area, "benchmark"),
        "why_trend": links.why_url(indicator, area, "trend"),
    }
