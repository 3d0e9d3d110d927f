"""Reads of the ingest app: imports, their rejections and return templates."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from saferhub.core.errors import NotFound
from saferhub.framework.models import Indicator
from saferhub.geography.models import CSP_AREA_TYPES, Area
from saferhub.geography.selectors import csp_areas_in
from saferhub.ingest.indicators import POLICE_UK_NOTE, STATS19_NOTE
from saferhub.ingest.models import Import
from saferhub.ingest.sources.returns import returns_template_csv, returns_template_xlsx


def import_get(*, import_id: int) -> Import:
    run = Import.objects.select_related("user", "partnership").filter(pk=import_id).first()
    if run is None:
        raise NotFound(f"there is no import {import_id}")
    return run


def imports_recent(*, limit: int = 20) -> QuerySet[Import]:
    return Import.objects.select_related("user", "partnership").order_by("-started_at", "-id")[:limit]


def imports_for_partnerships(*, partnerships: Any, user: Any = None, limit: int = 50) -> QuerySet[Import]:
    """Imports into the given partnerships, and the user's own, newest first."""

    query = Q(partnership__in=partnerships)
    if user is not None and getattr(user, "is_authenticated", False):
        query |= Q(user=user)
    return Import.objects.filter(query).select_related("user", "partnership").order_by("-started_at", "-id")[:limit]


def template_areas(*, partnership: Any = None) -> list[Any]:
    """The areas a return template lists: the partnership's area and its districts, else every CSP area."""

    if partnership is not None and partnership.area_id is not None:
        return [partnership.area, *csp_areas_in(area=partnership.area)]
    return list(Area.objects.filter(area_type__in=CSP_AREA_TYPES).order_by("name"))


#: How each frequency's periods are written in a return, in words and as an example.
PERIOD_FORMATS = {
    "monthly": ("a month: year, dash, month number", "2024-03"),
    "quarterly": ("a calendar quarter: year, dash, Q and the quarter", "2024-Q1"),
    "annual": ("a calendar year", "2023"),
    "financial_year": ("a financial year (April to March): first year, slash, last two digits", "2023/24"),
    "biennial": ("the first calendar year of the two", "2023"),
    "ad_hoc": ("a month, quarter, year or financial year", "2024-03, 2024-Q1, 2023 or 2023/24"),
}
#: The importers' notes on the indicators they compute from records (these have no return).
COMPUTED_SOURCES = (POLICE_UK_NOTE, STATS19_NOTE)


def return_indicators() -> list[dict[str, Any]]:
    """The indicators fed by partner returns (not computed from imported records), by title, each with
    the period format its return expects, in words and as an example."""
    found = (
        Indicator.objects.filter(status=Indicator.Status.ACTIVE, computed={})
        .exclude(data_source__in=COMPUTED_SOURCES)
        .order_by("title")
        .values("slug", "title", "frequency")
    )
    return [
        {
            **row,
            "period_words": PERIOD_FORMATS.get(row["frequency"], PERIOD_FORMATS["ad_hoc"])[0],
            "period_example": PERIOD_FORMATS.get(row["frequency"], PERIOD_FORMATS["ad_hoc"])[1],
        }
        for row in found
    ]


def is_return_indicator(indicator: Any) -> bool:
    """Whether an indicator's figures come from partner returns (it has a return template)."""
    return not indicator.computed and indicator.data_source not in COMPUTED_SOURCES


def returns_template(*, indicator_slug: str, partnership: Any = None, fmt: str = "csv") -> tuple[str | bytes, str]:
    """The return template for an indicator as CSV text or XLSX bytes, and a file name for it."""

    indicator = Indicator.objects.filter(slug=indicator_slug).first()
    if indicator is None:
        raise NotFound(f"there is no indicator {indicator_slug!r}")
    areas = template_areas(partnership=partnership)
    name = f"return-{indicator.slug}.{fmt}"
    if fmt == "xlsx":
        return returns_template_xlsx(indicator=indicator, areas=areas), name
    return returns_template_csv(indicator=indicator, areas=areas), name
