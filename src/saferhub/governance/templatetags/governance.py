"""Template helpers for governance pages: GOV.UK form fields, outlines, UK dates and times."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django import forms, template
from django.utils.safestring import SafeString, mark_safe

from saferhub.governance.forms import DateField
from saferhub.governance.outline import inline_html, outline_html, outline_points

register = template.Library()


@register.filter
def outline(text: str) -> SafeString:
    """Minutes and terms text as GOV.UK paragraphs and lists; everything is escaped first."""
    return mark_safe(outline_html(text or ""))


@register.filter
def points(text: str) -> list[tuple[str, list[str]]]:
    return outline_points(text or "")


@register.filter
def long_date(value: date | None) -> str:
    """1 July 2008 (no leading zero, as GOV.UK writes dates)."""
    return f"{value.day} {value:%B %Y}" if value else ""


@register.filter
def uk_time(value: time | None) -> str:
    """9:30am, 2pm, 11:30am (GOV.UK style)."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    return f"{hour}:{value.minute:02d}{suffix}" if value.minute else f"{hour}{suffix}"


@register.filter
def govuk_kind(bound: forms.BoundField) -> str:
    field, widget = bound.field, bound.field.widget
    if isinstance(field, DateField):
        return "date"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(field, forms.IntegerField | forms.DecimalField):
        return "number"
    return "text"


@register.filter
def date_parts(bound: forms.BoundField) -> list[dict[str, Any]]:
    """The day, month and year inputs of a GOV.UK date input, with the values typed or stored."""
    value = bound.value()
    if isinstance(value, date):
        values: list[Any] = [value.day, value.month, value.year]
    elif isinstance(value, list | tuple):
        values = list(value) + [None] * (3 - len(value))
    else:
        values = [None, None, None]
    labels = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
    return [
        {
            "id": f"{bound.auto_id}_{i}",
            "name": f"{bound.html_name}_{i}",
            "label": label,
            "width": width,
            "value": "" if values[i] is None else values[i],
        }
        for i, (_, label, width) in enumerate(labels)
    ]


@register.filter
def money(value: Any) -> str:
    return (
        f"£{value:,.0f}"
        if value is not None and value == int(value)
        else (f"£{value:,.2f}" if value is not None else "")
    )


@register.filter
def indicator_url(indicator: Any) -> str:
    """The framework's page for an indicator, if the framework app has one."""
    from django.urls import NoReverseMatch, reverse

    for name in ("web:indicator", "framework:indicator_detail"):
        try:
            return reverse(name, args=[indicator.slug])
        except NoReverseMatch:
            continue
    return ""


@register.filter
def inline(text: str) -> SafeString:
    return mark_safe(inline_html(text or ""))


@register.filter
def action_url(action: Any) -> str:
    """The action tracker's page for an action, if the delivery app has one."""
    from django.urls import NoReverseMatch, reverse

    for name in ("delivery:action", "delivery:action_detail"):
        try:
            return reverse(name, args=[action.pk])
        except NoReverseMatch:
            continue
    return ""


@register.filter
def is_overdue(action: Any) -> bool:
    from saferhub.delivery.selectors import action_is_overdue

    return action_is_overdue(action)


@register.filter
def owner(action: Any) -> str:
    """'Strategic Manager, Essex DAAT' or 'Target Leads': role, then organisation if not already named."""
    role = action.lead_role or ""
    org = action.lead_organisation.name if action.lead_organisation_id else ""
    if role and org and org.lower() not in role.lower():
        return f"{role}, {org}"
    return role or org or "Not recorded"


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None
