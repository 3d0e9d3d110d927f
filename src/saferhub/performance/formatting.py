"""How the performance pages print figures: values and intervals as words and numbers, and what
stands in for a figure the reader may not see."""

from __future__ import annotations

from saferhub.core import disclosure
from saferhub.core.charts import number
from saferhub.framework.models import Indicator


def value_text(value: float | None) -> str:
    """A value as the pages print it (two decimals where it has any)."""
    return number(value, digits=2)


def interval_text(lower: float | None, upper: float | None, *, empty: str = "–") -> str:
    """ "1.20 to 3.40", or ``empty`` when there is no interval."""
    if lower is None:
        return empty
    return f"{number(lower, digits=2)} to {number(upper, digits=2)}"


def suppressed_text(indicator: Indicator) -> str:
    """What stands in for a suppressed figure: a count says how small it is, a rate only that it is hidden."""
    return disclosure.SMALL_TEXT if indicator.value_type == "count" else disclosure.SUPPRESSED_TEXT
