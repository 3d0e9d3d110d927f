"""What a meeting's performance pack says, read from live data as a public paper.

A published pack is a public paper, so the pack is always read as a signed-out reader would read
it: the scorecard's figures through the same selectors and suppression as the public scorecard
(small numbers hidden, a private partnership's indicators left out). Delivery, risks and money
are the meeting's own partnership's, which its administrator decides to publish with the pack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from saferhub.accounts.access import access_public_read
from saferhub.delivery.models import Action
from saferhub.delivery.selectors import action_is_overdue, actions_overdue
from saferhub.finance.models import BudgetLine
from saferhub.finance.quarters import FinancialQuarter, quarters_of
from saferhub.finance.selectors_monitoring import MonitoringSummary, budget_monitoring_summary
from saferhub.finance.variance import outturn_words
from saferhub.framework.models import Framework
from saferhub.geography.models import Area
from saferhub.governance.models import Decision, Meeting
from saferhub.performance import labels
from saferhub.performance import selectors as performance
from saferhub.performance.pages.scorecard import ScorecardRow, scorecard_rows
from saferhub.risks.models import Risk
from saferhub.risks.selectors import risks_list

#: The pack's sections in order: (anchor, heading). The contents list and the page numbers use these.
SECTIONS = (
    ("summary", "Summary"),
    ("exceptions", "Exceptions"),
    ("scorecard", "Scorecard"),
    ("actions", "Actions"),
    ("risks", "Risks above tolerance"),
    ("money", "Money"),
)

#: Published frameworks read in a pack (a draft or consultation plan is not the board's yet).
PACK_FRAMEWORK_STATUSES = (Framework.Status.ACTIVE, Framework.Status.ARCHIVED)


@dataclass(frozen=True)
class PackException:
    """An indicator that needs the board's attention, and why, with a link to the reason."""

    kind: str  # off_track, concern, worse, overdue
    label: labels.Label
    title: str
    framework: str
    area: str
    reason: str
    url: str


@dataclass
class PackScorecard:
    framework: Framework
    area: Area | None
    rows: list[ScorecardRow]


@dataclass
class Pack:
    meeting: Meeting
    as_of: dt.date
    scorecards: list[PackScorecard]
    exceptions: list[PackException]
    overdue_actions: list[Action]
    previous_meeting: Meeting | None
    agreed_last_meeting: list[Decision]
    risks_above_tolerance: list[Risk]
    money: MonitoringSummary | None
    #: Actions agreed at the last meeting that were overdue on ``as_of`` (their ids).
    agreed_overdue: frozenset[int] = frozenset()
    sections: tuple[tuple[str, str], ...] = SECTIONS
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> list[ScorecardRow]:
        return [r for s in self.scorecards for r in s.rows]

    @property
    def suppressed(self) -> bool:
        return any(r.suppressed for r in self.rows)


EXCEPTION_KINDS = {
    "off_track": "Off track against its ambition",
    "concern": "Special cause of concern (SPC)",
    "worse": "Worse than the benchmark",
    "overdue": "Data overdue",
}


def _reason_spc(detail: dict) -> str:
    spc = detail.get("spc") or {}
    fired = spc.get("rules_fired") or []
    if fired:
        return "the latest point shows " + " and ".join(str(f) for f in fired)
    return str(spc.get("reason") or "a special-cause rule fired at the latest point")


def row_exceptions(row: ScorecardRow, *, framework: Framework, area: Area | None) -> list[PackException]:
    """The reasons a scorecard row is an exception, in the pack's order (none when it is not one)."""
    s = row.summary
    found: list[tuple[str, labels.Label, str, str]] = []
    if s is not None:
        detail = row.detail
        if s.target_status == "off_track":
            found.append(("off_track", row.target, str((detail.get("target") or {}).get("reason") or ""), "target"))
        if (s.spc_variation or "").startswith("concern"):
            found.append(("concern", row.variation, _reason_spc(detail), "spc"))
        if s.benchmark_outcome == "worse":
            reason = str((detail.get("benchmark") or {}).get("reason_95") or "")
            if row.benchmark_name:
                reason = (
                    f"compared with {row.benchmark_name}: {reason}" if reason else f"compared with {row.benchmark_name}"
                )
            found.append(("worse", row.benchmark, reason, "benchmark"))
    if row.fresh.get("status") == "overdue":
        found.append(("overdue", row.fresh["label"], str(row.fresh.get("reason") or ""), "freshness"))
    title = row.membership.title_in_plan or row.indicator.title
    return [
        PackException(
            kind=kind,
            label=label,
            title=title,
            framework=framework.title,
            area=area.name if area else "",
            reason=reason or EXCEPTION_KINDS[kind].lower(),
            url=row.links.get(anchor) or row.url,
        )
        for kind, label, reason, anchor in found
    ]


def pack_frameworks(meeting: Meeting) -> list[Framework]:
    """The partnership's published plans, the one in force first."""
    frameworks = Framework.objects.filter(owner=meeting.partnership, status__in=PACK_FRAMEWORK_STATUSES).select_related(
        "owner", "area"
    )
    order = {Framework.Status.ACTIVE: 0, Framework.Status.ARCHIVED: 1}
    return sorted(frameworks, key=lambda f: (order.get(Framework.Status(f.status), 9), f.title))


def _scorecard(framework: Framework, *, today: dt.date) -> PackScorecard:
    public_reader = AnonymousUser()
    areas = list(performance.scorecard_areas(framework=framework))
    area = performance.scorecard_area(framework=framework, code="", areas=areas)
    leave_out = performance.private_indicators(
        framework=framework, readable=lambda p: access_public_read(public_reader, p)
    )
    rows = scorecard_rows(framework=framework, area=area, today=today, public=True, leave_out=leave_out)
    return PackScorecard(framework=framework, area=area, rows=rows)


def _money_year(meeting: Meeting, as_of: dt.date) -> str | None:
    """The latest financial year the partnership has budgets for that has begun by ``as_of``."""
    last_ended = FinancialQuarter.last_ended_by(as_of)
    years = set()
    for text in (
        BudgetLine.objects.filter(table__partnership=meeting.partnership).values_list("year", flat=True).distinct()
    ):
        years |= {q.year_label for q in quarters_of(text) if q.start <= last_ended.start}
    return max(years) if years else None


def _agreed_at(meeting: Meeting | None) -> list[Decision]:
    if meeting is None:
        return []
    return list(
        Decision.objects.filter(item__meeting=meeting)
        .select_related("action", "action__lead_organisation", "item")
        .order_by("item__order", "order", "pk")
    )


def pack_build(*, meeting: Meeting, today: dt.date) -> Pack:
    """The pack for ``meeting`` from the data as they stand on ``today``."""
    scorecards = [_scorecard(f, today=today) for f in pack_frameworks(meeting)]
    exceptions = [e for s in scorecards for r in s.rows for e in row_exceptions(r, framework=s.framework, area=s.area)]
    order = list(EXCEPTION_KINDS)
    exceptions.sort(key=lambda e: order.index(e.kind))
    previous = (
        Meeting.objects.filter(partnership=meeting.partnership, date__lt=meeting.date)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-date", "-start_time")
        .first()
    )
    risks = [
        r
        for r in risks_list(partnerships=[meeting.partnership])
        .filter(status=Risk.Status.OPEN)
        .select_related("register")
        if r.escalated
    ]
    risks.sort(key=lambda r: (-(r.current_rating.score if r.current_rating else 0), r.reference))
    year = _money_year(meeting, today)
    money = budget_monitoring_summary(partnership=meeting.partnership, as_of=today, year=year) if year else None
    pack = Pack(
        meeting=meeting,
        as_of=today,
        scorecards=scorecards,
        exceptions=exceptions,
        overdue_actions=list(actions_overdue(partnership=meeting.partnership, today=today)),
        previous_meeting=previous,
        agreed_last_meeting=_agreed_at(previous),
        risks_above_tolerance=risks,
        money=money,
    )
    pack.agreed_overdue = frozenset(
        d.action.pk
        for d in pack.agreed_last_meeting
        if d.action is not None and action_is_overdue(d.action, today=today)
    )
    rows = pack.rows
    pack.counts = {
        "indicators": len(rows),
        "on_track": sum(1 for r in rows if r.summary and r.summary.target_status == "on_track"),
        "off_track": sum(1 for e in exceptions if e.kind == "off_track"),
        "concern": sum(1 for e in exceptions if e.kind == "concern"),
        "worse": sum(1 for e in exceptions if e.kind == "worse"),
        "overdue": sum(1 for e in exceptions if e.kind == "overdue"),
        "exceptions": len(exceptions),
        "actions_overdue": len(pack.overdue_actions),
        "agreed_last_meeting": len(pack.agreed_last_meeting),
        "risks": len(risks),
    }
    return pack


def money_totals(money: MonitoringSummary | None) -> dict[str, Decimal | str | None]:
    """The budgets' totals for the summary page (a figure is left empty where none is recorded)."""
    if money is None or not money.budgets:
        return {}
    forecasts = [b.forecast_outturn for b in money.budgets if b.forecast_outturn is not None]
    actuals = [b.actual_to_date for b in money.budgets if b.actual_to_date is not None]
    variances = [b.outturn_variance for b in money.budgets if b.outturn_variance is not None]
    variance = sum(variances, Decimal(0)) if variances else None
    return {
        "budget": sum((b.budget for b in money.budgets), Decimal(0)),
        "actual": sum(actuals, Decimal(0)) if actuals else None,
        "forecast": sum(forecasts, Decimal(0)) if forecasts else None,
        "variance": variance,
        "variance_words": outturn_words(variance) if variance is not None else "",
    }


def pack_url(meeting: Meeting) -> str:
    return reverse("reports:pack", args=[meeting.pk])
