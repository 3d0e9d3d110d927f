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
    #: Shown as a warning on the scorecard (archived): the plan has been replaced or withdrawn.
    warning: bool = False


def framework_standing(framework: Framework, *, today: dt.date) -> ScorecardEntry:
    """Whether a framework is in force today: active and within its period. Archived plans are not
    (a warning on the scorecard); nor are plans whose period has ended, though their partnership still
    marks them active (said plainly); drafts and consultation drafts are not yet."""
    f = framework
    if f.status == Framework.Status.ARCHIVED:
        return ScorecardEntry(
            f, False, "grey", "Archived", "This plan is archived: it is no longer in force.", warning=True
        )
    if f.status in (Framework.Status.DRAFT, Framework.Status.CONSULTATION):
        label = f.get_status_display()
        return ScorecardEntry(f, False, "yellow", label, f"This plan is a {label.lower()}: it is not in force yet.")
    if f.period_end is not None and f.period_end < today:
        ended = f"{f.period_end.day} {f.period_end:%B %Y}"
        # Still marked active by its partnership, so say what the dates say without calling it withdrawn.
        return ScorecardEntry(
            f,
            False,
            "grey",
            "Period ended",
            f"This plan's period ended on {ended}, and its partnership has not archived it.",
        )
    if f.period_start is not None and f.period_start > today:
        starts = f"{f.period_start.day} {f.period_start:%B %Y}"
        return ScorecardEntry(f, False, "blue", "Not started", f"This plan starts on {starts}: it is not in force yet.")
    return ScorecardEntry(f, True, "green", "In force", "")


def scorecard_entries(frameworks: Iterable[Framework], *, today: dt.date) -> list[ScorecardEntry]:
    """Plans in force first, then the others, each group by title."""
    entries = [framework_standing(f, today=today) for f in frameworks]
    return sorted(entries, key=lambda e: (not e.in_force, e.framework.title.casefold()))
