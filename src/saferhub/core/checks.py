"""Checks every service runs on its input before writing: text, choices, dates, times, whole
numbers, sums of money, the order of two dates, and records of the right kind; and ``UNCHANGED``,
the default of an update service's typed arguments ("leave this field as it is").

Pure Python (no Django import), so loaders, services and files share them. Each returns the clean
value or raises ``ValidationProblem`` naming ``where`` (in words, for logs and the command line)
and ``field`` (the argument's name, so a form puts the message beside that field). ``label`` is
the field's name in the message; it defaults to the field's name with spaces.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, Final, TypeVar

from saferhub.core.errors import ValidationProblem

T = TypeVar("T")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PENNY = Decimal("0.01")


class Unchanged(enum.Enum):
    """The type of ``UNCHANGED``: an update service's argument that was not given."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED


def merged(record: object, **values: Any) -> dict[str, Any]:
    """An update's arguments with each ``UNCHANGED`` one replaced by the record's current value,
    so the whole result is checked together (a new end time against the unchanged start)."""
    return {name: getattr(record, name) if value is UNCHANGED else value for name, value in values.items()}


def _label(field: str, label: str | None) -> str:
    return label or field.replace("_", " ")


def check_text(
    value: object,
    *,
    field: str,
    where: str | None = None,
    label: str | None = None,
    max_length: int | None = None,
    required: bool = False,
) -> str:
    """Text without control characters, stripped; ``required`` refuses blank text."""
    name = _label(field, label)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationProblem(f"{name} must be text, not {type(value).__name__}", where=where, field=field)
    text = value.strip()
    if required and not text:
        raise ValidationProblem(f"{name} is required", where=where, field=field, code="required")
    if _CONTROL.search(text):
        raise ValidationProblem(f"{name} contains control characters", where=where, field=field)
    if max_length is not None and len(text) > max_length:
        raise ValidationProblem(
            f"{name} is longer than {max_length} characters ({len(text)})", where=where, field=field, code="too_long"
        )
    return text


def check_choice(
    value: object, choices: Iterable[Any], *, field: str, where: str | None = None, label: str | None = None
) -> str:
    """One of ``choices`` (a Django ``TextChoices`` class, or plain strings)."""
    allowed = [str(getattr(c, "value", c)) for c in choices]
    if value not in allowed:
        raise ValidationProblem(
            f"{_label(field, label)} {value!r} is not one of: {', '.join(allowed)}", where=where, field=field
        )
    return str(value)


def check_date(
    value: object, *, field: str, where: str | None = None, label: str | None = None, required: bool = True
) -> date | None:
    """A calendar date (a ``date``, or text ``YYYY-MM-DD``); ``None`` when not required and absent."""
    if value is None or value == "":
        if required:
            raise ValidationProblem(f"{_label(field, label)} is required", where=where, field=field, code="required")
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationProblem(
        f"{_label(field, label)} {value!r} is not a date (expected YYYY-MM-DD)", where=where, field=field
    )


def check_time(value: object, *, field: str, where: str | None = None, label: str | None = None) -> time | None:
    """A time of day (a ``time``, or text ``HH:MM``), or ``None`` when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationProblem(
        f"{_label(field, label)} {value!r} is not a time of day (expected HH:MM)", where=where, field=field
    )


def check_count(
    value: object, *, field: str, low: int, high: int, where: str | None = None, label: str | None = None
) -> int | None:
    """A whole number from ``low`` to ``high``, or ``None`` when absent."""
    name = _label(field, label)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationProblem(f"{name} must be a whole number, not {value!r}", where=where, field=field)
    if not low <= value <= high:
        raise ValidationProblem(
            f"{name} must be between {low} and {high} (got {value})", where=where, field=field, code="out_of_range"
        )
    return value


def check_amount(value: object, *, field: str, where: str | None = None, label: str | None = None) -> Decimal | None:
    """A sum of money of £0 or more, exact to the penny (text, int or Decimal; never a float), or
    ``None`` when absent."""
    name = _label(field, label)
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise ValidationProblem(
            f"{name} must be an exact amount (text or Decimal), not a float", where=where, field=field
        )
    if isinstance(value, bool):
        raise ValidationProblem(f"{name} {value!r} is not a sum of money", where=where, field=field)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationProblem(f"{name} {value!r} is not a sum of money", where=where, field=field) from None
    if not amount.is_finite():
        raise ValidationProblem(f"{name} {value!r} is not a sum of money", where=where, field=field)
    if amount < 0:
        raise ValidationProblem(f"{name} cannot be negative (got £{amount:,.2f})", where=where, field=field)
    if amount != amount.quantize(_PENNY):
        raise ValidationProblem(f"{name} {amount} has fractions of a penny", where=where, field=field)
    return amount


def check_dates_in_order(
    *,
    start: date | None,
    end: date | None,
    end_field: str,
    where: str | None = None,
    start_label: str = "the start date",
    end_label: str = "the due date",
) -> None:
    """``end`` is not before ``start`` (when both are given); the problem is on the later field,
    which is the one a person corrects."""
    if start is not None and end is not None and end < start:
        raise ValidationProblem(
            f"{end_label} {end:%-d %B %Y} is before {start_label} {start:%-d %B %Y}",
            where=where,
            field=end_field,
            code="before_start",
        )


def check_instance(
    value: object,
    kind: type[T],
    *,
    field: str,
    where: str | None = None,
    label: str | None = None,
    required: bool = False,
) -> T | None:
    """A record of the right kind (an ``Organisation`` where one is wanted), or ``None`` when
    absent and not required."""
    name = _label(field, label)
    if value is None:
        if required:
            raise ValidationProblem(f"choose {name}", where=where, field=field, code="required")
        return None
    if not isinstance(value, kind):
        raise ValidationProblem(f"{name} must be {_article(kind.__name__)}", where=where, field=field)
    return value


def _article(name: str) -> str:
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
    return ("an " if words[:1] in "aeiou" else "a ") + words
