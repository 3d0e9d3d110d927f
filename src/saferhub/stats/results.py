"""Result types shared by the statistics: every figure says how it was made."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from typing import Any

from saferhub.core.errors import ValidationProblem


class Polarity(enum.StrEnum):
    """Which direction is good. Other parts of the hub pass these same strings."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NO_JUDGEMENT = "no_judgement"

    @classmethod
    def parse(cls, value: Polarity | str) -> Polarity:
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(p.value for p in cls)
            raise ValidationProblem(f"polarity {value!r} is not one of {choices}") from None

    def reversed(self) -> Polarity:
        """The opposite judgement (higher ↔ lower); no judgement stays as it is."""
        if self is Polarity.HIGHER_IS_BETTER:
            return Polarity.LOWER_IS_BETTER
        if self is Polarity.LOWER_IS_BETTER:
            return Polarity.HIGHER_IS_BETTER
        return self


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


class AsDict:
    """Mixin: ``to_dict()`` gives plain JSON-ready values (compute once, render many)."""

    def to_dict(self) -> dict[str, Any]:
        result = _plain(self)
        assert isinstance(result, dict)
        return result


@dataclasses.dataclass(frozen=True, slots=True)
class Estimate(AsDict):
    """A value with its confidence interval.

    ``value``, ``lower`` and ``upper`` are ``None`` only where the method gives no figure (for
    example a directly standardised rate from fewer than 10 events); ``note`` then says why.
    """

    value: float | None
    lower: float | None
    upper: float | None
    confidence: float
    method: str
    numerator: float | None = None
    denominator: float | None = None
    multiplier: float = 1
    note: str = ""


READ = 3  # significant figures for a number in a reason a reader sees ("0.81 to 1.22", not "0.809646")


def figure(value: float | None, significant: int = 6) -> str:
    """A number for a sentence a reader sees: plain notation with thousands separated, never
    scientific ("1,896,590", not "1.89659e+06"), at most ``significant`` significant figures."""
    if value is None:
        return "–"
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    if number == 0:
        return "0"
    decimals = max(0, significant - 1 - math.floor(math.log10(abs(number))))
    text = f"{number:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
