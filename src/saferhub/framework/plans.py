"""What a checked framework load will write: clean values, ready for ``services`` to store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class IndicatorPlan:
    slug: str
    where: str
    values: dict[str, Any]  # field values; FKs as slugs until written
    polarity_changes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class MembershipPlan:
    indicator: str
    where: str
    values: dict[str, Any]
    story: dict[str, Any] | None = None
    targets: list[dict[str, Any]] = field(default_factory=list)
    baselines: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # indicator values
    partners: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ThemePlan:
    where: str
    values: dict[str, Any]
    story: dict[str, Any] | None = None
    partners: list[dict[str, Any]] = field(default_factory=list)
    memberships: list[MembershipPlan] = field(default_factory=list)


@dataclass
class OutcomePlan:
    where: str
    values: dict[str, Any]
    themes: list[ThemePlan] = field(default_factory=list)


@dataclass
class FrameworkPlan:
    slug: str
    name: str  # the file it came from
    where: str
    values: dict[str, Any]
    outcomes: list[OutcomePlan] = field(default_factory=list)
    themes: list[ThemePlan] = field(default_factory=list)  # themes directly under the framework

    def all_themes(self) -> list[ThemePlan]:
        return [t for o in self.outcomes for t in o.themes] + self.themes


@dataclass
class LoadPlan:
    frameworks: list[FrameworkPlan]
    indicators: dict[str, IndicatorPlan]
    existing_indicator_types: dict[str, str]
    partnerships: set[str]
    organisations: set[str]
    areas: set[str]
