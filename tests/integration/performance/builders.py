"""Synthetic frameworks and monthly values for the performance tests (deterministic, no randomness).

Districts get monthly counts and rates per 1,000; the county and the force area get the sums of
their districts, as the police.uk aggregation gives them.
"""

from __future__ import annotations

import math
from datetime import date

from saferhub.framework.models import (
    Framework,
    Frequency,
    Indicator,
    IndicatorMembership,
    Outcome,
    Polarity,
    Target,
    Theme,
    ValueType,
)
from saferhub.geography.models import Area, Population
from saferhub.measures.services import indicator_values_write

CSP_CODES = [f"E0700006{i}" for i in range(6, 10)] + [f"E070000{i}" for i in range(70, 78)] + ["E06000033", "E06000034"]
COUNTY = "E10000012"
FORCE = "E23000028"


def months(first: str, count: int) -> list[str]:
    year, month = (int(x) for x in first.split("-"))
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def district_count(code: str, index: int, base: float, step: float = 0.0) -> int:
    """A count that varies by district and month, and drifts by ``step`` a month."""
    seed = int(code[-3:])
    return max(0, round(base * (1 + 0.15 * math.sin(index * 0.9 + seed)) + step * index + seed % 7))


def make_indicator(
    slug: str,
    *,
    title: str | None = None,
    polarity: str = Polarity.LOWER_IS_BETTER,
    value_type: str = ValueType.RATE_PER_1000,
    lead_role: str = "Community safety manager",
) -> Indicator:
    return Indicator.objects.create(
        slug=slug,
        title=title or slug.replace("-", " ").capitalize(),
        value_type=value_type,
        polarity=polarity,
        frequency=Frequency.MONTHLY,
        unit="crimes",
        lead_role=lead_role,
        data_source="police.uk street-level crime (synthetic in tests)",
    )


def write_monthly(
    indicator: Indicator,
    *,
    first: str = "2022-05",
    count: int = 24,
    base: float = 60.0,
    step: float = 0.0,
    codes: list[str] | None = None,
) -> dict[str, dict[str, int]]:
    """Monthly values for the districts, the county and the force area; returns the district counts."""
    codes = codes or CSP_CODES
    areas = {a.code: a for a in Area.objects.filter(code__in=[*codes, COUNTY, FORCE])}
    pops = {p.area.code: p.value for p in Population.objects.filter(year=2023).select_related("area")}
    rows, counts = [], {}
    for code in codes:
        counts[code] = {}
        for i, period in enumerate(months(first, count)):
            n = district_count(code, i, base * pops[code] / 100_000, step)
            counts[code][period] = n
            rows.append({"area": code, "period": period, "numerator": n, "denominator": pops[code]})
    for total_code, members in ((COUNTY, [c for c in codes if areas[c].parent_id == areas[COUNTY].pk]), (FORCE, codes)):
        if not members:
            continue
        for period in months(first, count):
            rows.append(
                {
                    "area": total_code,
                    "period": period,
                    "numerator": sum(counts[c][period] for c in members),
                    "denominator": sum(pops[c] for c in members),
                }
            )
    indicator_values_write(indicator=indicator, rows=rows)
    return counts


def make_framework(partnership, *, slug: str = "essex-safer-communities", indicators: list[Indicator]) -> Framework:
    county = Area.objects.get(code=COUNTY)
    framework = Framework.objects.create(
        slug=slug,
        title="People in Essex live in safe communities",
        short_title="Safe communities",
        owner=partnership,
        area=county,
        period_label="2014–18",
    )
    outcome = Outcome.objects.create(framework=framework, code="1", title="Safe communities", order=1)
    themes = [
        Theme.objects.create(framework=framework, outcome=outcome, code=str(i + 1), title=title, order=i)
        for i, title in enumerate(["Crime", "Anti-social behaviour"])
    ]
    for i, ind in enumerate(indicators):
        IndicatorMembership.objects.create(
            framework=framework,
            outcome=outcome,
            theme=themes[i % 2],
            indicator=ind,
            code=f"{i % 2 + 1}{chr(97 + i)}",
            target_lead=ind.lead_role,
            order=i,
        )
    return framework


def add_target(indicator: Indicator, framework: Framework, *, value: float, due: date, area: Area | None = None):
    return Target.objects.create(
        indicator=indicator,
        framework=framework,
        area=area,
        horizon=Target.Horizon.ONE_YEAR,
        target_date=due,
        kind=Target.Kind.VALUE,
        value=value,
        wording=f"Reduce to {value:g} by {due:%B %Y}",
    )
