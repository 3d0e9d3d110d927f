"""Budget monitoring arithmetic: variances, the threshold past which a variance needs a reason,
the spending profile, and cost per outcome.

Pure Python (no Django), Decimal only, to the penny, rounding half up (as ``finance.money``).

Two variances are monitored, as councils' quarterly budget monitoring reports them:

- **out-turn variance** = budget − forecast out-turn: positive is an underspend, negative an
  overspend (the year's forecast against the year's budget);
- **profile variance** = actual spend to date − profiled spend to date: positive is spending ahead
  of profile, negative behind it (where the year has got to against where it was planned to be).

A variance needs a reason when its size is more than the partnership's percentage of the line's
budget **or** more than its amount (default 5% or £10,000, whichever is passed first); a
partnership may set either or both.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from saferhub.finance.money import HUNDRED, PENNY

DEFAULT_PERCENT = Decimal("5.00")
DEFAULT_AMOUNT = Decimal("10000.00")


def pounds(amount: Decimal) -> str:
    """``£12,345.60``; a negative amount as ``-£12,345.60``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount).quantize(PENNY):,.2f}"


@dataclass(frozen=True)
class Threshold:
    """When a variance needs a reason: more than ``percent`` of the budget, or more than ``amount``
    (either may be None, not both)."""

    percent: Decimal | None = DEFAULT_PERCENT
    amount: Decimal | None = DEFAULT_AMOUNT

    def limit(self, *, budget: Decimal) -> Decimal:
        """The largest variance that needs no reason, for a line of ``budget``."""
        limits = []
        if self.percent is not None:
            limits.append((abs(budget) * self.percent / HUNDRED).quantize(PENNY, rounding=ROUND_HALF_UP))
        if self.amount is not None:
            limits.append(self.amount)
        return min(limits)

    def passed_by(self, variance: Decimal | None, *, budget: Decimal) -> bool:
        return variance is not None and abs(variance) > self.limit(budget=budget)

    @property
    def words(self) -> str:
        parts = []
        if self.percent is not None:
            parts.append(f"more than {self.percent.normalize():f}% of the line's budget")
        if self.amount is not None:
            parts.append(f"more than {pounds(self.amount)}")
        return " or ".join(parts)


def outturn_variance(*, budget: Decimal, forecast_outturn: Decimal) -> Decimal:
    """Budget − forecast out-turn: an underspend is positive."""
    return budget - forecast_outturn


def profile_variance(*, actual_to_date: Decimal, profile_to_date: Decimal) -> Decimal:
    """Actual to date − profile to date: spending ahead of profile is positive."""
    return actual_to_date - profile_to_date


def straight_line_profile(*, budget: Decimal, elapsed: int, quarters: int) -> Decimal:
    """The budget spread evenly over ``quarters``: what should be spent after ``elapsed`` of them,
    to the penny (half up); after the last quarter, the whole budget exactly."""
    if quarters <= 0:
        raise ValueError("a budget period has at least one quarter")
    elapsed = max(0, min(elapsed, quarters))
    if elapsed == quarters:
        return budget
    return (budget * elapsed / quarters).quantize(PENNY, rounding=ROUND_HALF_UP)


def outturn_words(variance: Decimal) -> str:
    """ "£12,000.00 under budget" / "over budget" / "on budget"."""
    if variance == 0:
        return "on budget"
    return f"{pounds(abs(variance))} {'under' if variance > 0 else 'over'} budget"


def profile_words(variance: Decimal) -> str:
    """ "£3,000.00 ahead of profile" / "behind profile" / "on profile"."""
    if variance == 0:
        return "on profile"
    return f"{pounds(abs(variance))} {'ahead of' if variance > 0 else 'behind'} profile"


def cost_per_outcome(*, cost: Decimal, outcomes: Decimal) -> Decimal | None:
    """Cost ÷ outcomes achieved, to the penny (half up); None when no outcome was achieved (a cost
    per outcome of nothing is not a number)."""
    if outcomes <= 0:
        return None
    return (cost / outcomes).quantize(PENNY, rounding=ROUND_HALF_UP)
