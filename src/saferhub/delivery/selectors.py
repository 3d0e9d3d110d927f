"""Reads for action plans: lists by partnership, indicator and owner; overdue and due soon."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone

from saferhub.delivery.models import Action

OPEN_STATUSES = (Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS, Action.Status.ON_HOLD)
DUE_SOON_DAYS = 30


def _today(today: date | None) -> date:
    return today if today is not None else timezone.localdate()


def actions_list(
    *,
    partnership: Any = None,
    indicator: Any = None,
    status: str | None = None,
    owner: Any = None,
    plan: Any = None,
) -> QuerySet[Action]:
    """Actions, filtered, with what a list page shows already joined."""
    qs = Action.objects.select_related("plan", "plan__partnership", "lead_organisation", "owner", "theme")
    if partnership is not None:
        qs = qs.filter(plan__partnership=partnership)
    if indicator is not None:
        qs = qs.filter(indicators=indicator)
    if status:
        qs = qs.filter(status=status)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.prefetch_related("indicators").order_by("plan__title", "order", "reference", "pk")


def actions_overdue(*, partnership: Any = None, indicator: Any = None, today: date | None = None) -> QuerySet[Action]:
    """Open actions whose due date has passed."""
    return (
        actions_list(partnership=partnership, indicator=indicator)
        .filter(status__in=OPEN_STATUSES, due_date__lt=_today(today))
        .order_by("due_date", "reference", "pk")
    )


def actions_due_soon(
    *, partnership: Any = None, indicator: Any = None, today: date | None = None, days: int = DUE_SOON_DAYS
) -> QuerySet[Action]:
    """Open actions due from today up to ``days`` days ahead."""
    start = _today(today)
    return (
        actions_list(partnership=partnership, indicator=indicator)
        .filter(status__in=OPEN_STATUSES, due_date__gte=start, due_date__lte=start + timedelta(days=days))
        .order_by("due_date", "reference", "pk")
    )


def actions_for_indicator(*, indicator: Any, partnerships: Any = None, today: date | None = None) -> QuerySet[Action]:
    """The actions that serve an indicator (for the indicator page), each with ``is_overdue``
    computed in the database; limited to ``partnerships`` when given."""
    qs = actions_list(indicator=indicator).annotate(
        is_overdue=Case(
            When(status__in=OPEN_STATUSES, due_date__lt=_today(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if partnerships is not None:
        qs = qs.filter(plan__partnership__in=partnerships)
    return qs


def action_is_overdue(action: Action, *, today: date | None = None) -> bool:
    return bool(action.due_date and action.status in OPEN_STATUSES and action.due_date < _today(today))
