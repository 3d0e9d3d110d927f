"""One row of a scorecard: what the page, the exports and the board pack show of an indicator.
Its own module so that the row's ordering rules (``scorecard_order``) and the page that builds the
rows (``scorecard``) both read it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from saferhub.framework.models import Indicator, IndicatorMembership
from saferhub.performance import labels
from saferhub.performance.models import IndicatorSummary


@dataclass
class ScorecardRow:
    membership: IndicatorMembership
    indicator: Indicator
    summary: IndicatorSummary | None
    lead: str
    target: labels.Label
    variation: labels.Label
    assurance: labels.Label
    benchmark: labels.Label
    trend: labels.Label
    fresh: dict[str, Any]
    interval: str
    value: str
    sparkline: str
    links: dict[str, str] = field(default_factory=dict)
    #: The indicator page's list of strategic actions for this indicator (readable by everyone).
    actions_url: str = ""
    why_url: str = ""
    benchmark_name: str = ""
    url: str = ""
    suppressed: bool = False
    #: The summary's detail as this reader may see it (exports read their reasons from it).
    detail: dict[str, Any] = field(default_factory=dict)
