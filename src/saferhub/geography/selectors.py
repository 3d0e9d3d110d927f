"""Reads of geography."""

from __future__ import annotations

from django.db.models import QuerySet

from saferhub.geography.models import CSP_AREA_TYPES, Area, Population


def area_by_code(*, code: str) -> Area | None:
    return Area.objects.filter(code=code).first()


def csp_areas_in(*, area: Area) -> QuerySet[Area]:
    """District and unitary areas (one community safety partnership each) within ``area``.

    For a police force area this is every area it polices; for a county, its districts.
    """
    qs = Area.objects.filter(area_type__in=CSP_AREA_TYPES)
    if area.area_type == "police_force_area":
        return qs.filter(force_area=area).order_by("name")
    if area.area_type in CSP_AREA_TYPES:
        return qs.filter(pk=area.pk)
    return qs.filter(parent=area).order_by("name")


def population_for(*, area: Area, year: int) -> Population | None:
    """The population estimate for ``year``, or the nearest earlier year if that is missing."""
    return Population.objects.filter(area=area, year__lte=year).order_by("-year").first() or (
        Population.objects.filter(area=area).order_by("year").first()
    )
