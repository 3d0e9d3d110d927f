"""Reads of geography: areas, their comparator groups, LSOAs of both vintages for maps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from saferhub.geography.models import (
    CSP_AREA_TYPES,
    Area,
    AreaType,
    Boundary,
    ComparatorGroup,
    LsoaChange,
    Population,
    PostcodeDistrict,
)

Kind, Basis = ComparatorGroup.Kind, ComparatorGroup.Basis


def area_by_code(*, code: str) -> Area | None:
    return Area.objects.filter(code=code).first()


def area_current(*, code: str) -> Area | None:
    """The area in use today for ``code``: itself, or the area that took it over (BCP for
    Christchurch, North Northamptonshire for Corby), following successive changes."""
    area = Area.objects.filter(code=code).select_related("successor").first()
    seen = set()
    while area is not None and area.successor_id is not None and area.pk not in seen:
        seen.add(area.pk)
        area = Area.objects.filter(pk=area.successor_id).first()
    return area


def csp_areas_in(*, area: Area) -> QuerySet[Area]:
    """District and unitary areas in use today (one community safety partnership each) within
    ``area``: for a police force area every area it polices; for a county, its districts."""
    qs = Area.objects.filter(area_type__in=CSP_AREA_TYPES, successor__isnull=True)
    if area.area_type == AreaType.POLICE_FORCE_AREA:
        return qs.filter(force_area=area).order_by("name")
    if area.area_type in CSP_AREA_TYPES:
        return Area.objects.filter(pk=area.pk)
    return qs.filter(parent=area).order_by("name")


def population_for(*, area: Area, year: int) -> Population | None:
    """The population estimate for ``year``, or the nearest earlier year if that is missing."""
    return Population.objects.filter(area=area, year__lte=year).order_by("-year").first() or (
        Population.objects.filter(area=area).order_by("year").first()
    )


# --- comparator groups ----------------------------------------------------------------------------


def area_comparator_groups(*, area: Area) -> list[ComparatorGroup]:
    """The groups ``area`` is compared with, in the order a page offers them: its most similar
    group (a published list first, then the computed one), then everyone in its force area,
    region and country, then any group listed by hand that holds it. Other areas' most similar
    groups that merely include ``area`` are not its comparators and are left out."""
    rank = Case(
        When(kind=Kind.MOST_SIMILAR, basis=Basis.OFFICIAL, then=Value(0)),
        When(kind=Kind.MOST_SIMILAR, then=Value(1)),
        When(kind=Kind.FORCE_AREA, then=Value(2)),
        When(kind=Kind.REGION, then=Value(3)),
        When(kind=Kind.COUNTRY, then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )
    own = Q(for_area=area)
    fixed = Q(basis=Basis.FIXED, members=area)
    listed = Q(basis=Basis.LISTED, members=area)
    return list(
        ComparatorGroup.objects.filter(own | fixed | listed)
        .distinct()
        .annotate(rank=rank)
        .select_related("for_area", "defined_by")
        .order_by("rank", "name")
    )


def area_most_similar_group(*, area: Area) -> ComparatorGroup | None:
    """The area's most similar group: a published list when one is loaded, else the computed one."""
    return next((g for g in area_comparator_groups(area=area) if g.kind == Kind.MOST_SIMILAR), None)


def comparator_group_members(*, group: ComparatorGroup) -> QuerySet[Area]:
    """The group's areas, by name."""
    return group.members.order_by("name")


# --- LSOAs of both vintages -----------------------------------------------------------------------


def lsoas_in(*, district: Area, vintage: str) -> QuerySet[Area]:
    """The LSOAs of ``vintage`` ("2011" or "2021") in a district, by code."""
    return Area.objects.filter(area_type=AreaType.LSOA, parent=district, vintage__contains=vintage).order_by("code")


def lsoa_boundaries(*, codes: Iterable[str], vintage: str | None = None) -> dict[str, dict[str, Any]]:
    """LSOA code → boundary geometry, for codes of either vintage. A code both vintages share has
    the boundary of ``vintage`` when given, else the newest loaded."""
    out: dict[str, dict[str, Any]] = {}
    rows = Boundary.objects.filter(area__code__in=list(codes), area__area_type=AreaType.LSOA)
    if vintage:
        rows = rows.order_by("area_id", Case(When(vintage=vintage, then=Value(0)), default=Value(1)), "-vintage")
    else:
        rows = rows.order_by("area_id", "-vintage")
    for code, geometry in rows.values_list("area__code", "geometry"):
        out.setdefault(code, geometry)
    return out


def lsoa_lookup(*, codes: Iterable[str], to: str) -> dict[str, list[tuple[str, str]]]:
    """Each given LSOA code → its codes in the other vintage with the change (U, S, M or X), from
    the 2011 → 2021 lookup; ``to`` is "2021" (codes given are 2011) or "2011"."""
    wanted = list(codes)
    out: dict[str, list[tuple[str, str]]] = {c: [] for c in wanted}
    if to == "2021":
        for old, new, change in LsoaChange.objects.filter(lsoa11_code__in=wanted).values_list(
            "lsoa11_code", "lsoa21_code", "change"
        ):
            out[old].append((new, change))
    else:
        for old, new, change in LsoaChange.objects.filter(lsoa21_code__in=wanted).values_list(
            "lsoa11_code", "lsoa21_code", "change"
        ):
            out[new].append((old, change))
    return out


def lsoa_lookup_method() -> str:
    """How the lookup in the hub was made ("ONS lookup" or the derivation), for the page to say."""
    return LsoaChange.objects.values_list("method", flat=True).first() or ""


def postcode_district_shares(*, district: str) -> list[tuple[str, int]]:
    """The districts (codes) a postcode district covers with each one's count of postcodes, most first."""
    return list(PostcodeDistrict.objects.filter(district=district).values_list("lad_code", "postcodes"))


def postcode_lookup_loaded() -> bool:
    return PostcodeDistrict.objects.exists()
