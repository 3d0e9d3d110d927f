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


def value_sources(*, indicators: list[Indicator] | None, areas: list[Area]) -> list[str]:
    """The ingest sources (police-uk, stats19, mapped, returns) the values of these indicators (None:
    all) in these areas were imported from: what a read of them is audited against. One query."""
    values = IndicatorValue.objects.filter(area__in=areas, source_import__isnull=False)
    if indicators is not None:
        values = values.filter(indicator__in=indicators)
    return sorted(s for s in values.values_list("source_import__source", flat=True).distinct() if s)
