"""Template filters for money pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value: object) -> str:
    """A figure as people write it: ``10`` not ``10.0000`` or ``1E+1``, ``2.5``, ``1,250``."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    text = f"{value.normalize():,f}"
    return text
