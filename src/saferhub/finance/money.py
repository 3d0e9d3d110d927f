"""Money arithmetic: Decimal only, pence-exact, rounding half up (as a spreadsheet rounds).

Pure Python (no Django). A reduction scenario is computed to the penny; the figure a table shows is
the same amount rounded to the places the source prints (e.g. £m to one place), so a computed table
can be compared with the printed one cell for cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from saferhub.core.errors import ValidationProblem

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)
UNITS = {"£": Decimal(1), "£k": Decimal(1_000), "£m": Decimal(1_000_000)}
# The largest amount the database holds (16 digits, 2 after the point): anything larger is a typing
# slip (or an attack such as 1e308), refused with a message rather than a crash.
MAX_AMOUNT = Decimal("99999999999999.99")


def to_money(value: object, *, name: str = "amount", where: str | None = None, allow_negative: bool = False) -> Decimal:
    """Read an amount in pounds: a Decimal, int or text such as ``"1,236,586"`` or ``"£0.7m"``.

    Floats are refused (they cannot hold pence exactly); more than two decimal places of a pound are
    refused; negative amounts are refused unless ``allow_negative``.
    """
    if isinstance(value, float):
        raise ValidationProblem(f"{name} must be an exact decimal amount, not a float ({value!r})", where=where)
    if isinstance(value, bool) or value is None:
        raise ValidationProblem(f"{name} is missing", where=where)
    shown = str(value)[:40]  # a hostile value is quoted only in part
    text = str(value).strip().replace(",", "")
    multiplier = Decimal(1)
    if text.startswith("£"):
        text = text[1:]
    for suffix, mult in (("m", Decimal(1_000_000)), ("k", Decimal(1_000))):
        if text.lower().endswith(suffix):
            text, multiplier = text[:-1], mult
            break
    try:
        amount = Decimal(text) * multiplier
    except ArithmeticError:  # InvalidOperation, and Overflow for an exponent such as 1e999999999
        raise ValidationProblem(f"{name} {shown!r} is not an amount of money", where=where) from None
    if not amount.is_finite():
        raise ValidationProblem(f"{name} {shown!r} is not an amount of money", where=where)
    if amount < 0 and not allow_negative:
        raise ValidationProblem(f"{name} cannot be negative (got {shown})", where=where)
    if abs(amount) > MAX_AMOUNT:
        raise ValidationProblem(
            f"{name} {shown!r} is too large: the most the hub holds is £{MAX_AMOUNT:,}", where=where
        )
    if amount != amount.quantize(PENNY):
        raise ValidationProblem(f"{name} {shown!r} has fractions of a penny", where=where)
    return amount.quantize(PENNY) + 0  # + 0 turns -0.00 into 0.00


def in_unit(amount: Decimal, unit: str, places: int) -> Decimal:
    """``amount`` (pounds) in the unit a table prints, rounded half up to ``places``."""
    if unit not in UNITS:
        raise ValidationProblem(f"unit {unit!r} is not one of {', '.join(UNITS)}")
    exponent = Decimal(1).scaleb(-places)
    return (amount / UNITS[unit]).quantize(exponent, rounding=ROUND_HALF_UP)


def from_unit(value: object, unit: str, *, name: str = "amount", where: str | None = None) -> Decimal:
    """A figure printed in ``unit`` (e.g. ``113.7`` in £m) as pounds."""
    if unit not in UNITS:
        raise ValidationProblem(f"unit {unit!r} is not one of {', '.join(UNITS)}", where=where)
    if isinstance(value, float):
        value = repr(value)  # YAML numbers: the literal as written, never binary float arithmetic
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationProblem(f"{name} {value!r} is not a number", where=where) from None
    return to_money(number * UNITS[unit], name=name, where=where)


def check_percent(value: object, *, name: str = "reduction", where: str | None = None) -> Decimal:
    """A percentage from 0 to 100 with at most two decimal places."""
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().rstrip("%").strip() if value is not None else ""
    try:
        percent = Decimal(text)
    except InvalidOperation:
        raise ValidationProblem(
            f"{name} {value!r} is not a percentage: enter a number from 0 to 100", where=where
        ) from None
    if not percent.is_finite():
        raise ValidationProblem(f"{name} {value!r} is not a percentage", where=where)
    if percent < 0 or percent > HUNDRED:
        raise ValidationProblem(f"{name} of {text}% is not possible: a percentage must be from 0 to 100", where=where)
    if percent != percent.quantize(PENNY):
        raise ValidationProblem(f"{name} {text}% has more than two decimal places", where=where)
    return percent.quantize(PENNY)


def reduce_by(amount: Decimal, percent: Decimal) -> Decimal:
    """``amount`` after a reduction of ``percent``, to the penny (half up)."""
    return (amount * (HUNDRED - percent) / HUNDRED).quantize(PENNY, rounding=ROUND_HALF_UP)


def share(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` of ``amount``, to the penny (half up): e.g. the expected value of a bid pipeline."""
    return (amount * percent / HUNDRED).quantize(PENNY, rounding=ROUND_HALF_UP)


def total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, Decimal("0.00"))


@dataclass(frozen=True)
class TotalCheck:
    """A total as stated beside the total computed from its parts."""

    stated: Decimal
    computed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.stated - self.computed

    @property
    def adds_up(self) -> bool:
        return self.difference == 0
