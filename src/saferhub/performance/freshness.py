"""How old an indicator's latest value is against its frequency: worked out when a page is shown,
from the latest period's end and the day the caller passes in (never read here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from saferhub.performance import labels

FREQUENCY_DAYS = {"monthly": 31, "quarterly": 92, "annual": 366, "financial_year": 366, "biennial": 731}
# A value is "due" once a whole period has passed after the next one ends, "overdue" after two:
# published figures arrive some weeks after their period (police.uk: about two months).
FRESHNESS_ALLOWANCE = {"monthly": 2, "quarterly": 1, "annual": 1, "financial_year": 1, "biennial": 1}


def freshness(*, frequency: str, period_end: dt.date | None, today: dt.date) -> dict[str, Any]:
    """How old the latest value is against the indicator's frequency (computed when shown)."""
    days = FREQUENCY_DAYS.get(frequency)
    if period_end is None or days is None:
        return {
            "status": "unknown",
            "label": labels.FRESHNESS["unknown"],
            "age_days": None,
            "reason": "the indicator has no regular frequency" if period_end else "there is no value yet",
        }
    age = (today - period_end).days
    allowance = FRESHNESS_ALLOWANCE.get(frequency, 1)
    due_after = days * (1 + allowance)
    if age <= due_after:
        status = "current"
    elif age <= due_after + days:
        status = "due"
    else:
        status = "overdue"
    reason = (
        f"the latest value's period ended {age} days ago; values are {frequency.replace('_', ' ')}, so the next "
        f"is expected within {due_after} days of the last period's end (one period plus {allowance} for publication)"
    )
    return {"status": status, "label": labels.FRESHNESS[status], "age_days": age, "reason": reason}
