"""Figures and periods written the way people read them: "1,139", "59%", "4.85 per 1,000",
"31 January 2014", "1 April 2013 to 31 October 2013"."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from saferhub.framework.definitions import how_computed
from saferhub.framework.models import ValueType

register = template.Library()

_RATE_WORDS = {
    ValueType.RATE_PER_1000: "per 1,000",
    ValueType.RATE_PER_10000: "per 10,000",
    ValueType.RATE_PER_100000: "per 100,000",
}


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text


def format_figure(value: Any, value_type: str) -> str:
    """A value in the indicator's unit, or an en dash when there is none."""
    if value is None or value == "":
        return "–"
    number = float(value)
    if value_type == ValueType.PERCENTAGE:
        return f"{_number(number)}%"
    if value_type in _RATE_WORDS:
        return f"{_number(number)} {_RATE_WORDS[value_type]}"  # type: ignore[index]
    if value_type == ValueType.CURRENCY:
        return f"£{_number(number)}"
    return _number(number)


@register.filter
def figure(value: Any, indicator: Any) -> str:
    return format_figure(value, getattr(indicator, "value_type", ValueType.COUNT))


def format_period(label: str) -> str:
    """Canonical period labels as words (``saferhub.core.codes.period_words``)."""
    from saferhub.core.codes import period_words

    return period_words(label)


@register.filter
def period(label: Any) -> str:
    return format_period(str(label or ""))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def bullets(text: Any) -> SafeString:
    """Plain text as GOV.UK paragraphs, with lines that start "- " as a bulleted list (escaped)."""
    html: list[str] = []
    items: list[str] = []

    def close() -> None:
        if items:
            html.append(
                '<ul class="govuk-list govuk-list--bullet">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
            )
            items.clear()

    for line in str(text or "").splitlines():
        stripped = line.strip()
        if stripped.startswith("- "):
            items.append(escape(stripped[2:]))
            continue
        close()
        if stripped:
            html.append(f'<p class="govuk-body">{escape(stripped)}</p>')
    close()
    return mark_safe("".join(html))  # every piece is escaped above


@register.filter
def breakdown_words(breakdown: str) -> str:
    """A stored breakdown ("health_area=Mid Essex; sex=women") in the reader's words ("Health area: Mid
    Essex; sex: women")."""
    parts = []
    for i, piece in enumerate(p.strip() for p in str(breakdown or "").split(";") if p.strip()):
        name, sep, value = piece.partition("=")
        words = name.strip().replace("_", " ")
        words = words[:1].upper() + words[1:] if i == 0 else words
        parts.append(f"{words}: {value.strip()}" if sep else words)
    return "; ".join(parts)


@register.filter
def computed_note(indicator: Any) -> str:
    """How the indicator's figures are computed from imported records ("" when they are not)."""
    return how_computed(indicator)
