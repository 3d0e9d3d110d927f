"""What the API reads, decided by the same door as the pages.

Each function takes the reader (a user, or an anonymous user for the public) and returns plain
data for the endpoints. Nothing here decides access on its own: ``accounts.access`` says who may
read a partnership's figures and who sees counts of 1 to 4, and an indicator's values come from the
very function that fills its page and its CSV (``indicator_performance_data``), so the API can
never show more than the page does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from saferhub.accounts.access import (
    access_framework_read,
    access_has_role,
    access_public_read,
    access_published_q,
    access_sees_small_numbers,
)
from saferhub.accounts.models import Partnership, Role
from saferhub.core.codes import period_words
from saferhub.delivery.models import Action
from saferhub.framework.models import Framework, Indicator
from saferhub.geography.models import Area
from saferhub.governance.models import Meeting, Paper
from saferhub.measures.models import IndicatorValue
from saferhub.measures.selectors import value_sources
from saferhub.performance import selectors as performance
from saferhub.performance.pages.indicator import indicator_performance_data
from saferhub.sharing.access import sharing_unsuppressed_allowed


class Refused(Exception):
    """The reader may not read this: 401 for the public (sign in or send a token), else 403."""


@dataclass(frozen=True)
class SeriesRead:
    """An indicator's values for an area as the reader may see them, and whether the read was of
    restricted figures (small numbers shown, or a private partnership's figures): those are audited."""

    indicator: Indicator
    area: Area
    data: dict[str, Any]
    restricted: bool


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def area_list(*, area_type: str = "", parent: str = "", limit: int = 500, offset: int = 0) -> list[Area]:
    """Areas with their GSS codes, parents and police force areas: open to everyone."""
    areas = Area.objects.select_related("parent", "force_area").order_by("code")
    if area_type:
        areas = areas.filter(area_type=area_type)
    if parent:
        areas = areas.filter(parent__code=parent)
    return list(areas[offset : offset + limit])


def area_get(*, code: str) -> Area | None:
    return Area.objects.select_related("parent", "force_area").filter(code=code.upper()).first()


def _readable_indicator(user: Any, owners: list[Partnership]) -> bool:
    """The pages' rule: figures are open when one of their partnerships publishes them or the user is
    a member; an indicator that belongs to no partnership (imported) is public."""
    return not owners or any(access_public_read(user, p) for p in owners)


def indicator_list(*, user: Any) -> list[tuple[Indicator, list[Partnership]]]:
    """Every indicator whose figures the reader may read, with its owning partnerships."""
    indicators = list(Indicator.objects.select_related("owner").order_by("slug"))
    owners = performance.indicator_owners(indicator_ids=[i.pk for i in indicators])
    return [(i, owners.get(i.pk, [])) for i in indicators if _readable_indicator(user, owners.get(i.pk, []))]


def indicator_get(*, user: Any, slug: str) -> tuple[Indicator, list[Partnership]] | None:
    """The indicator if it exists (None), refused if the reader may not read its figures."""
    indicator = Indicator.objects.select_related("owner").filter(slug=slug).first()
    if indicator is None:
        return None
    owners = performance.indicator_partnerships(indicator=indicator)
    if not _readable_indicator(user, owners):
        raise Refused
    return indicator, owners


def indicator_area_codes(*, indicator: Indicator) -> list[str]:
    return [a.code for a in performance.indicator_areas(indicator=indicator)]


def indicator_series(*, user: Any, slug: str, code: str, today: dt.date) -> SeriesRead | None:
    """The indicator's values for the area, exactly as its page shows them to this reader (the same
    ``public`` and ``public_rows`` decisions as ``performance.views.indicator``, agreements included)."""
    found = indicator_get(user=user, slug=slug)
    area = area_get(code=code) if code else None
    if found is None or (code and area is None):
        return None
    indicator, owners = found
    if area is None:
        area = performance.default_indicator_area(indicator=indicator)
        if area is None:
            return None
    public = not access_sees_small_numbers(user, owners, area=area)
    # A partner's returns or uploads are shown whole only under an agreement in force (as on the page).
    if not public and not sharing_unsuppressed_allowed(user, value_sources(indicators=[indicator], areas=[area])):
        public = True
    parent = performance.parent_area(area=area)
    public_rows = public if parent is None else (not access_sees_small_numbers(user, owners, area=parent)) or public
    data = indicator_performance_data(
        indicator=indicator, area=area, today=today, public=public, public_rows=public_rows
    )
    private = any(not p.publishes_performance for p in owners)
    restricted = _authenticated(user) and (not public or not public_rows or private)
    return SeriesRead(indicator=indicator, area=area, data=data, restricted=restricted)


def series_sources(*, indicator: Indicator, area: Area) -> list[str]:
    """The ingest sources the area's figures came from, for the read audit. Figures typed in or
    uploaded as returns by a partnership have no import of their own: they are partner returns."""
    sources = set(
        IndicatorValue.objects.filter(indicator=indicator, area=area)
        .exclude(source_import=None)
        .values_list("source_import__source", flat=True)
    )
    return sorted(sources) or ["returns"]


def series_points(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's table of values (newest first) as JSON: a hidden value is null, and nothing made
    from it (limits, numerator) is given beside it, as in the page's CSV."""
    out = []
    for row in data["performance"].get("table") or []:
        hidden = bool(row.get("suppressed"))

        def shown(key: str, row: dict[str, Any] = row, hidden: bool = hidden) -> Any:
            return None if hidden else row.get(key)

        out.append(
            {
                "period": str(row.get("period") or ""),
                "period_label": period_words(row.get("period")),
                "start": row.get("start"),
                "end": row.get("end"),
                "value": shown("value"),
                "lower_95": shown("lower_95"),
                "upper_95": shown("upper_95"),
                "lower_998": shown("lower_998"),
                "upper_998": shown("upper_998"),
                "numerator": shown("numerator"),
                "denominator": row.get("denominator"),
                "status": str(row.get("status") or ""),
                "suppressed": hidden,
            }
        )
    return out


def series_compared(data: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The districts compared with their benchmark on the page (period, rows), masked as there."""
    perf = data["performance"]
    districts = perf.get("districts") or {}
    rows = []
    for r in perf.get("district_rows") or []:
        hidden = bool(r.get("suppressed"))
        rows.append(
            {
                "code": r["code"],
                "name": str(r.get("name") or r["code"]),
                "value": None if hidden else r.get("value"),
                "lower_95": None if hidden else r.get("lower_95"),
                "upper_95": None if hidden else r.get("upper_95"),
                "suppressed": hidden,
                "compared_with_benchmark": str(r.get("label") or ""),
            }
        )
    return str(districts.get("period") or ""), rows


def framework_list(*, user: Any) -> list[Framework]:
    """Plans the reader may read: adopted plans of partnerships that publish them, and a member's
    own drafts (``access_framework_read``)."""
    frameworks = Framework.objects.select_related("owner", "area").prefetch_related("memberships__indicator")
    return [f for f in frameworks.order_by("slug") if access_framework_read(user, f)]


def framework_get(*, user: Any, slug: str) -> Framework | None:
    framework = (
        Framework.objects.select_related("owner", "area").prefetch_related("memberships__indicator").filter(slug=slug)
    ).first()
    if framework is None:
        return None
    if not access_framework_read(user, framework):
        raise Refused
    return framework


def framework_actions(*, user: Any, framework: Framework) -> QuerySet[Action]:
    """The actions of the plan's action plans, where the plan's partnership shares them with this
    reader (a private partnership's actions are its members', as on the indicator page)."""
    partnerships = Partnership.objects.filter(action_plans__framework=framework).distinct()
    readable = [p.pk for p in partnerships if access_public_read(user, p)]
    return (
        Action.objects.filter(plan__framework=framework, plan__partnership_id__in=readable)
        .select_related("plan")
        .prefetch_related("indicators")
        .order_by("plan__title", "order", "pk")
    )


def meeting_list(*, user: Any) -> list[Meeting]:
    """Published meetings, and a partnership's members' own unpublished ones, with their agenda items
    and papers (``access_published_q``, as the governance pages)."""
    papers = Prefetch("items__papers", queryset=Paper.objects.order_by("pk"))
    return list(
        Meeting.objects.filter(access_published_q(user, "partnership"))
        .select_related("partnership")
        .prefetch_related("items", papers)
        .order_by("-date", "pk")
    )


def meeting_items(*, user: Any, meeting: Meeting) -> list[Any]:
    """The meeting's items this reader may see: an item taken in private is its members' only."""
    member = access_has_role(user, meeting.partnership, Role.VIEWER)
    return [i for i in meeting.items.all() if member or not i.exempt]
