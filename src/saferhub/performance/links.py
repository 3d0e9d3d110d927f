"""Where the performance pages link to: an indicator's page and the "why" page behind each tag."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from saferhub.framework.models import Indicator
from saferhub.geography.models import Area

#: The anchors of the why page, one per tag a scorecard row or a headline shows.
WHY_ANCHORS = ("value", "target", "spc", "benchmark", "trend", "freshness")


def indicator_url(indicator: Indicator, area: Area | None = None) -> str:
    """The indicator's page: the framework's, when it is installed, else the performance page."""
    query = f"?area={area.code}" if area is not None else ""
    for name in ("web:indicator", "framework:indicator_detail"):
        try:
            return reverse(name, kwargs={"slug": indicator.slug}) + query
        except NoReverseMatch:
            continue
    return performance_indicator_url(indicator, area)


def performance_indicator_url(indicator: Indicator, area: Area | None = None) -> str:
    """The indicator's performance page (the scorecard links here)."""
    query = f"?area={area.code}" if area is not None else ""
    return reverse("performance:indicator", kwargs={"slug": indicator.slug}) + query


def why_url(indicator: Indicator, area: Area, anchor: str = "") -> str:
    url = reverse("performance:why", kwargs={"slug": indicator.slug, "code": area.code})
    return f"{url}#{anchor}" if anchor else url


def why_links(indicator: Indicator, area: Area) -> dict[str, str]:
    """The why page's anchor for each tag."""
    base = why_url(indicator, area)
    return {k: f"{base}#{k}" for k in WHY_ANCHORS}
