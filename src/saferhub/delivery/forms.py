"""Small helpers for GOV.UK-style forms: read a three-part date, map a problem to a field.

Used by the delivery, risks and finance pages. Validation itself stays in the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass
class FormErrors:
    """Errors by field id, in the order they were found, for the error summary and the fields."""

    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, field_id: str, message: str) -> None:
        self.by_field.setdefault(field_id, message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    @property
    def field(self) -> dict[str, str]:
        """Errors keyed for templates (``on-day`` becomes ``on_day``)."""
        return {k.replace("-", "_"): v for k, v in self.by_field.items()}

    @property
    def items(self) -> list[tuple[str, str]]:
        return list(self.by_field.items())


def read_date(data: Any, name: str, label: str, errors: FormErrors, *, required: bool = False) -> date | None:
    """Read ``name-day``, ``name-month``, ``name-year`` (the GOV.UK date input)."""
    parts = [str(data.get(f"{name}-{p}", "")).strip() for p in ("day", "month", "year")]
    if not any(parts):
        if required:
            errors.add(f"{name}-day", f"Enter the {label}")
        return None
    if not all(parts):
        errors.add(f"{name}-day", f"The {label} must include a day, month and year")
        return None
    try:
        day, month, year = (int(p) for p in parts)
        if year < 1900 or year > 2200:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        errors.add(f"{name}-day", f"The {label} must be a real date, for example 27 3 2026")
        return None


def read_decimal(data: Any, name: str, label: str, errors: FormErrors) -> Decimal | None:
    raw = str(data.get(name, "")).strip().replace(",", "").lstrip("£")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        errors.add(name, f"{label} must be a number, like 1500 or 1500.50")
        return None
    if not value.is_finite():
        errors.add(name, f"{label} must be a number")
        return None
    return value


def date_parts(value: date | None) -> dict[str, Any]:
    if value is None:
        return {"day": "", "month": "", "year": ""}
    return {"day": value.day, "month": value.month, "year": value.year}


def problem_field(message: str, mapping: dict[str, str], default: str) -> str:
    """The field a service's message is about, by the words it uses."""
    lowered = message.lower()
    for words, field_id in mapping.items():
        if words in lowered:
            return field_id
    return default


def indicator_href(indicator: Any) -> str | None:
    """The indicator's own page if the framework pages are installed."""
    for name, kwargs in (
        ("framework:indicator_detail", {"slug": indicator.slug}),
        ("framework:indicator", {"slug": indicator.slug}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None
