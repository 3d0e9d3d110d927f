"""The list of scorecards: each framework says whether it is in force, so that a board member does not
read an archived or ended plan's scorecard as the current one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from saferhub.framework.models import Framework


@dataclass(frozen=True)
class ScorecardEntry:
    framework: Framework
    in_force: bool
    #: A GOV.UK tag colour and the words, e.g. ("grey", "Archived").
    tag: str
    standing: str
    #: A sentence for the scorecard page and the list, empty while the plan is in force.
    note: str


def framework_standing(framework: Framework, *, today: dt.date) -> ScorecardEntry:
    """Whether a framework is in force today: active and within its period. Archived plans and plans
    whose period has ended are not; drafts and consultation drafts are not yet."""
    f = framework
    if f.status == Framework.Status.ARCHIVED:
        return ScorecardEntry(f, False, "grey", "Archived", "This plan is archived: it is no longer in force.")
    if f.status in (Framework.Status.DRAFT, Framework.Status.CONSULTATION):
        label = f.get_status_display()
        return ScorecardEntry(f, False, "yellow", label, f"This plan is a {label.lower()}: it is not in force yet.")
    if f.period_end is not None and f.period_end < today:
        ended = f"{f.period_end.day} {f.period_end:%B %Y}"
        return ScorecardEntry(
            f, False, "grey", "Ended", f"This plan's period ended on {ended}: it is no longer in force."
        )
    if f.period_start is not None and f.period_start > today:
        starts = f"{f.period_start.day} {f.period_start:%B %Y}"
        return ScorecardEntry(f, False, "blue", "Not started", f"This plan starts on {starts}: it is not in force yet.")
    return ScorecardEntry(f, True, "green", "In force", "")


def scorecard_entries(frameworks: Iterable[Framework], *, today: dt.date) -> list[ScorecardEntry]:
    """Plans in force first, then the others, each group by title."""
    entries = [framework_standing(f, today=today) for f in frameworks]
    return sorted(entries, key=lambda e: (not e.in_force, e.framework.title.casefold()))
