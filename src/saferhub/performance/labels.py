"""What each stored result is called on a page: words, a GOV.UK tag colour and an icon shape.

Colour is never the only cue: every tag has its words and an icon, and links to its reason.
docs/performance.md lists the same table for people.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    text: str
    tag: str  # govuk-tag modifier: green, red, yellow, blue, grey, orange, purple, light-blue
    icon: str  # a shape, shown beside the words (aria-hidden)
    anchor: str = ""  # the section of the "why" page that explains it

    @property
    def tag_class(self) -> str:
        return f"govuk-tag govuk-tag--{self.tag}"


TARGET = {
    "on_track": Label("On track", "green", "●", "target"),
    "at_risk": Label("At risk", "yellow", "◆", "target"),
    "off_track": Label("Off track", "red", "▲", "target"),
    "not_enough_evidence": Label("Not enough evidence", "grey", "…", "target"),
    "no_target": Label("No ambition set", "grey", "–", "target"),
    "not_assessed": Label("Not assessed", "grey", "?", "target"),
}

BENCHMARK = {
    "better": Label("Better", "green", "▲", "benchmark"),
    "similar": Label("Similar", "yellow", "●", "benchmark"),
    "worse": Label("Worse", "red", "▼", "benchmark"),
    "higher": Label("Higher", "light-blue", "◆", "benchmark"),
    "lower": Label("Lower", "blue", "◆", "benchmark"),
    "not_compared": Label("Not compared", "grey", "○", "benchmark"),
    "": Label("Not compared", "grey", "○", "benchmark"),
}

# NHS "Making Data Count" variation icons: improvement blue, concern orange, neutral purple.
VARIATION = {
    "common_cause": Label("Common cause", "grey", "~", "spc"),
    "improvement_high": Label("Improving (high)", "blue", "H↑", "spc"),
    "improvement_low": Label("Improving (low)", "blue", "L↓", "spc"),
    "concern_high": Label("Concern (high)", "orange", "H↑", "spc"),
    "concern_low": Label("Concern (low)", "orange", "L↓", "spc"),
    "neutral_high": Label("Special cause (high)", "purple", "H", "spc"),
    "neutral_low": Label("Special cause (low)", "purple", "L", "spc"),
    "": Label("No SPC chart", "grey", "–", "spc"),
}

ASSURANCE = {
    "consistent_pass": Label("Passing the target", "blue", "P", "spc"),
    "consistent_fail": Label("Failing the target", "orange", "F", "spc"),
    "inconsistent": Label("Hit and miss", "grey", "?", "spc"),
    "": Label("No assurance (no target)", "grey", "–", "spc"),
}

TREND = {
    ("increasing", "getting_better"): Label("Increasing and getting better", "green", "↑", "trend"),
    ("increasing", "getting_worse"): Label("Increasing and getting worse", "red", "↑", "trend"),
    ("decreasing", "getting_better"): Label("Decreasing and getting better", "green", "↓", "trend"),
    ("decreasing", "getting_worse"): Label("Decreasing and getting worse", "red", "↓", "trend"),
    ("increasing", None): Label("Increasing", "blue", "↑", "trend"),
    ("decreasing", None): Label("Decreasing", "blue", "↓", "trend"),
    ("no_significant_change", None): Label("No significant change", "grey", "→", "trend"),
    ("cannot_be_calculated", None): Label("Cannot be calculated", "grey", "–", "trend"),
}

FRESHNESS = {
    "current": Label("Up to date", "green", "●", "freshness"),
    "due": Label("Update due", "yellow", "◆", "freshness"),
    "overdue": Label("Overdue", "red", "▲", "freshness"),
    "unknown": Label("No schedule", "grey", "–", "freshness"),
}


def trend_label(outcome: str, assessment: str | None) -> Label:
    return TREND.get((outcome, assessment)) or TREND.get((outcome, None)) or TREND[("cannot_be_calculated", None)]
