"""Reads of the ingest app: imports, their rejections and return templates."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from saferhub.core.errors import NotFound
from saferhub.framework.models import Indicator
from saferhub.geography.models import CSP_AREA_TYPES, Area
from saferhub.geography.selectors import csp_areas_in
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
