"""Links from the delivery, risks and finance pages to an indicator's own page. (The form helpers
these pages share, reading GOV.UK date inputs and showing a service's refusal on its field, are in
``saferhub.core.forms``.)"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse


def indicator_href(indicator: Any) -> str | None:
    """The indicator's own page if the framework pages are installed."""
    for name, kwargs in (
        ("framework:indicator_detail", {"slug": indicator.slug}),
        ("web:indicator", {"slug": indicator.slug}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None
