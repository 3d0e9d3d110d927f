"""Reads of indicator values."""

from __future__ import annotations

from django.db.models import QuerySet

from saferhub.framework.models import Indicator
from saferhub.geography.models import Area
from saferhub.measures.models import IndicatorValue


def indicator_series(*, indicator: Indicator, area: Area, breakdown: str = "") -> QuerySet[IndicatorValue]:
    """One series in time order."""
    return IndicatorValue.objects.filter(indicator=indicator, area=area, breakdown=breakdown).order_by("period_start")


def latest_values(*, indicators: list[Indicator], area: Area) -> dict[int, IndicatorValue]:
    """The latest total value of each indicator for an area, in one query."""
    latest: dict[int, IndicatorValue] = {}
    qs = IndicatorValue.objects.filter(indicator__in=indicators, area=area, breakdown="").order_by(
        "indicator_id", "-period_start"
    )
    for v in qs:
        latest.setdefault(v.indicator_id, v)
    return latest
