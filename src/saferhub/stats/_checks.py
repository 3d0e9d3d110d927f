"""Input checks shared by every statistic: each bad cell gets a plain-English error naming its row.

Rows are numbered from ``first_row`` (1 by default, the first value in the series). A caller that
reads a spreadsheet with a header passes ``first_row=2`` so the numbers match what people see.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import norm

from saferhub.core.errors import ValidationProblem

FloatArray = NDArray[np.float64]

# The two levels OHID Fingertips and PHEindicatormethods use: "95%" and "99.8%" (about 2 and 3 sigma).
CONFIDENCE_95 = 0.95
CONFIDENCE_998 = 0.998


def confidence_level(confidence: float) -> float:
    """Accept 0.95 or 95 (and 0.998 or 99.8); return the fraction. Like PHEindicatormethods: 90–100%."""
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or math.isnan(confidence):
        raise ValidationProblem(f"confidence level {confidence!r} is not a number")
    level = confidence / 100 if confidence > 1 else float(confidence)
    if not 0.9 <= level < 1:
        raise ValidationProblem(
            f"confidence level {confidence!r} must be between 90 and 100 (or 0.9 and 1), for example 95 or 99.8"
        )
    return level


def z_value(confidence: float) -> float:
    """Two-sided standard normal quantile: 1.959964 at 95%, 3.090232 at 99.8%."""
    return float(norm.ppf(1 - (1 - confidence_level(confidence)) / 2))


def _row(index: int, first_row: int) -> str:
    return f"row {index + first_row}"


def _to_float(cell: Any, name: str, index: int, first_row: int) -> float:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        raise ValidationProblem(f"{name} is missing in {_row(index, first_row)}")
    if isinstance(cell, bool):
        raise ValidationProblem(f"{name} {cell!r} in {_row(index, first_row)} is not a number")
    try:
        number = float(cell.strip().replace(",", "")) if isinstance(cell, str) else float(cell)
    except (TypeError, ValueError):
        raise ValidationProblem(f"{name} {cell!r} in {_row(index, first_row)} is not a number") from None
    if math.isnan(number):
        raise ValidationProblem(f"{name} is missing (NaN) in {_row(index, first_row)}")
    if math.isinf(number):
        raise ValidationProblem(f"{name} {cell!r} in {_row(index, first_row)} is not a finite number")
    return number


def _is_missing(cell: Any) -> bool:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return True
    return isinstance(cell, float | np.floating) and math.isnan(cell)


def number_column(
    values: Any, name: str, *, first_row: int = 1, allow_empty: bool = False, allow_missing: bool = False
) -> FloatArray:
    """A one-dimensional float array, or a ValidationProblem naming the first bad row.

    Set-based: a numeric NumPy array is checked as a whole, and a list of plain numbers or of numeric
    text (a CSV column) is converted in one step; only when that fails is each cell read in turn, to
    name the bad one. With ``allow_missing`` a missing cell (None, blank, NaN) becomes NaN, for methods
    that give "no value" for such a row (as PHEindicatormethods returns NA); text that is not a number
    is always refused.
    """
    if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
        if isinstance(values, int | float) and not isinstance(values, bool):
            values = [values]
        else:
            raise ValidationProblem(f"{name} must be a list of numbers, not {type(values).__name__}")
    array: FloatArray | None = None
    if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
        array = values.astype(np.float64, copy=False).ravel()
    else:
        items = list(values.ravel()) if isinstance(values, np.ndarray) else list(values)
        kinds = {type(c) for c in items}
        if kinds and (kinds <= {float, int} or kinds == {str}):
            try:
                array = np.asarray(items, dtype=np.float64)
            except ValueError:  # a blank or a word among the text: read cell by cell to name it
                array = None
        if array is None:
            array = np.array(
                [
                    math.nan if allow_missing and _is_missing(cell) else _to_float(cell, name, i, first_row)
                    for i, cell in enumerate(items)
                ],
                dtype=np.float64,
            )
    if not array.size and not allow_empty:
        raise ValidationProblem(f"{name} is empty: there is nothing to calculate from")
    infinite = np.flatnonzero(np.isinf(array))
    if infinite.size:
        i = int(infinite[0])
        raise ValidationProblem(f"{name} {array[i]:g} in {_row(i, first_row)} is not a finite number")
    if not allow_missing:
        missing = np.flatnonzero(np.isnan(array))
        if missing.size:
            raise ValidationProblem(f"{name} is missing (NaN) in {_row(int(missing[0]), first_row)}")
    return array


def numbers(values: Any, name: str, *, first_row: int = 1, allow_empty: bool = False) -> FloatArray:
    """A one-dimensional float array with no missing cell, or a ValidationProblem naming the first bad row."""
    return number_column(values, name, first_row=first_row, allow_empty=allow_empty)


def non_negative(values: FloatArray, name: str, *, first_row: int = 1) -> FloatArray:
    """Counts cannot be negative."""
    bad = np.flatnonzero(values < 0)
    if bad.size:
        i = int(bad[0])
        raise ValidationProblem(f"{name} {_fmt(values[i])} in {_row(i, first_row)} is negative")
    return values


def positive(values: FloatArray, name: str, *, first_row: int = 1) -> FloatArray:
    """Denominators must be greater than zero."""
    bad = np.flatnonzero(values <= 0)
    if bad.size:
        i = int(bad[0])
        raise ValidationProblem(f"{name} {_fmt(values[i])} in {_row(i, first_row)} must be greater than zero")
    return values


def same_length(name_a: str, a: Sequence[Any] | FloatArray, name_b: str, b: Sequence[Any] | FloatArray) -> None:
    if len(a) != len(b):
        raise ValidationProblem(f"{name_a} has {len(a)} values but {name_b} has {len(b)}: they must match row for row")


def numerators_within(
    numerators: FloatArray, denominators: FloatArray, *, first_row: int = 1, numerator_name: str = "numerator"
) -> None:
    """A proportion's numerator cannot exceed its denominator."""
    bad = np.flatnonzero(numerators > denominators)
    if bad.size:
        i = int(bad[0])
        raise ValidationProblem(
            f"{numerator_name} {_fmt(numerators[i])} is larger than denominator {_fmt(denominators[i])} "
            f"in {_row(i, first_row)}"
        )


def counts_and_denominators(
    numerators: Any, denominators: Any, *, first_row: int = 1, proportion: bool
) -> tuple[FloatArray, FloatArray]:
    x = non_negative(numbers(numerators, "numerator", first_row=first_row), "numerator", first_row=first_row)
    n = positive(numbers(denominators, "denominator", first_row=first_row), "denominator", first_row=first_row)
    same_length("numerator", x, "denominator", n)
    if proportion:
        numerators_within(x, n, first_row=first_row)
    return x, n


def _fmt(number: float) -> str:
    return f"{number:g}"


def to_date(cell: Any, name: str, index: int, first_row: int) -> dt.date | int:
    """A date from a date, datetime, numpy datetime64, ISO text (2021-03-22, 2021-03) or a year number."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        raise ValidationProblem(f"{name} is missing in {_row(index, first_row)}")
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, np.datetime64):
        if np.isnat(cell):
            raise ValidationProblem(f"{name} is missing in {_row(index, first_row)}")
        return dt.date.fromisoformat(str(cell.astype("datetime64[D]")))
    if isinstance(cell, int | np.integer) and not isinstance(cell, bool):
        return int(cell)
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str):
        text = cell.strip()
        if text.isdigit() and len(text) == 4:
            return int(text)
        try:
            if len(text) == 7:  # 2021-03: a month
                return dt.date.fromisoformat(text + "-01")
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            pass
    raise ValidationProblem(
        f"{name} {cell!r} in {_row(index, first_row)} is not a date (expected a date like 2021-03-22, 2021-03 or 2021)"
    )


def dates_in_order(dates: Any, name: str = "date", *, first_row: int = 1) -> list[dt.date | int]:
    """Dates (or years) strictly increasing: out-of-order and duplicate dates are each named."""
    items = list(dates)
    parsed = [to_date(cell, name, i, first_row) for i, cell in enumerate(items)]
    kinds = {type(d) is int for d in parsed}
    if len(kinds) > 1:
        raise ValidationProblem(f"{name} mixes years and full dates: use one or the other")
    seen: dict[dt.date | int, int] = {}
    for i, d in enumerate(parsed):
        if d in seen:
            raise ValidationProblem(
                f"{name} {d} in {_row(i, first_row)} is a duplicate of {_row(seen[d], first_row)}: "
                "each period must appear once"
            )
        seen[d] = i
        if i and d < parsed[i - 1]:  # type: ignore[operator]
            raise ValidationProblem(
                f"{name} {d} in {_row(i, first_row)} comes before {parsed[i - 1]} in {_row(i - 1, first_row)}: "
                "dates must be in order, oldest first"
            )
    return parsed
