"""Form errors, the same way on every page: read the GOV.UK date input and amounts, and put a
service's refusal on the field it names.

Services check the rules and raise ``ValidationProblem`` with ``field`` set to the argument's
name. ``form_problem_add`` is the one helper every view uses to show it: on that field (by name,
never by the words of the message), or on the form as a whole when the problem is about no one
field. ``FormErrors`` is what the GOV.UK error summary (``web/components/error_summary.html``)
and the fields read; a Django form's errors become one with ``FormErrors.of_form``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms

from saferhub.core.errors import ValidationProblem, ValidationProblems

FORM_ID = "main-form"


@dataclass
class FormErrors:
    """Errors by the id of the input they belong to, in the order found (the error summary lists
    them in that order and links to each). ``form_id`` is where a problem about no one field
    links; ``date_inputs`` are the GOV.UK date inputs read into it, whose errors belong on their
    day input (``due_date`` → ``due_date-day``)."""

    by_field: dict[str, str] = field(default_factory=dict)
    form_id: str = FORM_ID
    date_inputs: set[str] = field(default_factory=set)

    def add(self, field_id: str, message: str) -> None:
        self.by_field.setdefault(field_id, message)

    def input_id(self, name: str | None) -> str:
        """The id of the input an error about the field ``name`` links to."""
        if not name:
            return self.form_id
        return f"{name}-day" if name in self.date_inputs else name

    def __bool__(self) -> bool:
        return bool(self.by_field)

    @property
    def field(self) -> dict[str, str]:
        """Errors keyed for templates (``on-day`` becomes ``on_day``)."""
        return {k.replace("-", "_"): v for k, v in self.by_field.items()}

    @property
    def form(self) -> str:
        """The error about no one field, if any (shown at the top of the form)."""
        return self.by_field.get(self.form_id, "")

    def items(self) -> list[tuple[str, str]]:
        return list(self.by_field.items())

    @classmethod
    def of_form(cls, form: forms.BaseForm, *, form_id: str = FORM_ID) -> FormErrors:
        """A Django form's errors, each keyed by the id of the field's first input."""
        out = cls(form_id=form_id)
        if not form.is_bound:
            return out
        for message in form.non_field_errors():
            out.by_field.setdefault(form_id, str(message))
        for bound in form:
            for message in bound.errors:
                out.by_field.setdefault(first_input_id(bound), str(message))
        return out


_CHOOSE_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.CheckboxInput)


def govuk_required_message(name: str, field: forms.Field) -> str:
    """GOV.UK wording for a required field left empty: "Enter the title", "Select the plan" (never
    Django's "This field is required.")."""
    label = str(field.label or name.replace("_", " ")).strip()
    label = label[0].lower() + label[1:] if label[:1].isupper() and not label[1:2].isupper() else label
    label = label.removesuffix(" (optional)")
    if isinstance(field, forms.FileField):
        return f"Choose the {label} to upload" if not label.startswith(("a ", "an ", "the ")) else f"Choose {label}"
    verb = "Select" if isinstance(field.widget, _CHOOSE_WIDGETS) else "Enter"
    return f"{verb} {label}" if label.startswith(("a ", "an ", "the ", "your ")) else f"{verb} the {label}"


class GovukForm(forms.Form):
    """A form whose required fields, left empty, say what to do in GOV.UK's words unless the field
    says so itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = forms.Field.default_error_messages["required"]
        for name, each in self.fields.items():
            if each.error_messages.get("required") == default:
                each.error_messages = {**each.error_messages, "required": govuk_required_message(name, each)}


def first_input_id(bound: forms.BoundField) -> str:
    """Where an error summary link lands for a Django form field: its first input (the day of a
    date input, the first of a set of radios)."""
    widget = bound.field.widget
    if isinstance(widget, forms.MultiWidget | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


def form_problem_add(
    form: forms.BaseForm | FormErrors, problem: ValidationProblem, *, fields: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the field it names.

    ``fields`` maps a service argument to the form field that collects it, where the two differ
    (``{"target_date": "due_day"}``); otherwise the names are the same. A problem that names no
    field, or a field the form does not have, is shown on the form as a whole."""
    name = problem.field
    if name is not None and fields:
        name = fields.get(name, name)
    if isinstance(form, FormErrors):
        form.add(form.input_id(name), problem.message)
        return
    form.add_error(name if name in form.fields else None, problem.message)


def problems_by_input(
    problem: ValidationProblem, *, inputs: set[str] | None = None, form_id: str = FORM_ID
) -> dict[str, str]:
    """Input id → message, in the order found, for pages that check many rows at once (every line
    of a quarter, every measure of a return). A problem about no one field, or about a field the
    page has no input for (``inputs``, when given), goes on the form as a whole."""
    found = list(problem.problems) if isinstance(problem, ValidationProblems) else [problem]
    out: dict[str, str] = {}
    for p in found:
        name = p.field
        if not name or (inputs is not None and name not in inputs):
            name = form_id
        if name in out and name == form_id and p.message not in out[name]:
            out[name] = f"{out[name]}. {p.message}"
        out.setdefault(name, p.message)
    return out


def read_date(data: Any, name: str, label: str, errors: FormErrors, *, required: bool = False) -> date | None:
    """Read ``name-day``, ``name-month``, ``name-year`` (the GOV.UK date input)."""
    errors.date_inputs.add(name)
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
    """Read an amount typed with or without a pound sign and commas (``£1,500.50``)."""
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
    """A date as the day, month and year a GOV.UK date input shows."""
    if value is None:
        return {"day": "", "month": "", "year": ""}
    return {"day": value.day, "month": value.month, "year": value.year}
