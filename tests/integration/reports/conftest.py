"""A partnership with a meeting and everything a pack reads: a plan of indicators (one a monthly
count small enough that the latest value in the plan's district is 1 to 4), a previous meeting with
actions agreed, an overdue action, risks on both sides of tolerance and a budget with spending."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from saferhub.core.disclosure import is_small
from saferhub.delivery.models import Action
from saferhub.finance.models import BudgetLineQuarter
from saferhub.framework.models import Framework, ValueType
from saferhub.geography.models import Area
from saferhub.governance.models import Decision, Meeting
from saferhub.measures.models import IndicatorValue
from saferhub.performance.services import performance_refresh
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    BudgetLineFactory,
    MeetingFactory,
    RiskFactory,
    RiskRegisterFactory,
)
from tests.integration.performance import builders

TODAY = dt.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def district_with_small_latest(indicator) -> tuple[Area, float]:
    """A district whose latest stored value of ``indicator`` is a small count (from the database)."""
    for code in builders.CSP_CODES:
        latest = (
            IndicatorValue.objects.filter(indicator=indicator, area__code=code, breakdown="")
            .order_by("-period_start")
            .select_related("area")
            .first()
        )
        if latest is not None and is_small(latest.value):
            return latest.area, latest.value
    raise AssertionError("the synthetic series must give some district a small latest month")


@pytest.fixture
def pack_world(essex_partnerships):
    partnership = essex_partnerships["safer-essex"]
    assert partnership.publishes_performance
    knives = builders.make_indicator("knife-crime", title="Knife crime", value_type=ValueType.COUNT)
    builders.write_monthly(knives, base=1.5)
    crime = builders.make_indicator("all-crime", title="All crime")
    builders.write_monthly(crime, base=600, step=2)
    district, small = district_with_small_latest(knives)
    framework = builders.make_framework(partnership, slug="pack-plan", indicators=[knives, crime])
    Framework.objects.filter(pk=framework.pk).update(area=district)
    framework.refresh_from_db()
    # An ambition the district's all-crime rate cannot meet: the row is off track.
    builders.add_target(crime, framework, value=0.01, due=dt.date(2024, 3, 31), area=district)
    performance_refresh()

    previous = MeetingFactory(partnership=partnership, date=dt.date(2024, 3, 5))
    item = AgendaItemFactory(meeting=previous, title="Community safety plan")
    agreed = ActionFactory(
        plan__partnership=partnership, title="Report knife crime hot spots", due_date=dt.date(2024, 9, 1)
    )
    Decision.objects.create(item=item, order=1, text="Report knife crime hot spots to the next meeting", action=agreed)
    meeting = MeetingFactory(partnership=partnership, date=dt.date(2024, 6, 4), status=Meeting.Status.SCHEDULED)
    AgendaItemFactory(meeting=meeting, title="Apologies", order=1)
    AgendaItemFactory(meeting=meeting, title="Performance report", order=2)
    overdue = ActionFactory(plan=agreed.plan, title="Open the night-time economy scheme", due_date=dt.date(2024, 1, 31))
    done = ActionFactory(
        plan=agreed.plan, title="Finished before time", due_date=dt.date(2024, 1, 31), status=Action.Status.COMPLETE
    )
    register = RiskRegisterFactory(partnership=partnership, title="Community safety risks")
    high = RiskFactory(
        register=register, event="Knife crime rises after funding ends", inherent_impact=4, inherent_likelihood=4
    )
    low = RiskFactory(register=register, event="Meeting room unavailable", inherent_impact=1, inherent_likelihood=1)
    line = BudgetLineFactory(
        table__partnership=partnership, table__title="Community safety fund", year="2023/24", amount=Decimal("40000")
    )
    for q, (actual, forecast) in enumerate([(9000, 44000), (11000, 46000), (12000, 47000), (13500, 47500)]):
        BudgetLineQuarter.objects.create(
            line=line,
            period_start=dt.date(2023, 4 + 3 * q, 1) if q < 3 else dt.date(2024, 1, 1),
            actual=Decimal(actual),
            forecast_outturn=Decimal(forecast),
            reason="More youth outreach sessions than planned" if q == 3 else "",
        )
    return {
        "partnership": partnership,
        "meeting": meeting,
        "previous": previous,
        "framework": framework,
        "district": district,
        "small": small,
        "knives": knives,
        "crime": crime,
        "agreed": agreed,
        "overdue": overdue,
        "done": done,
        "high": high,
        "low": low,
        "line": line,
    }


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run `make browsers` (it installs Debian's poppler-utils)")
    return path


def pdf_text(pdf: bytes, tmp_path: Path, *, page: int | None = None) -> str:
    source = tmp_path / "pack.pdf"
    source.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        [tool("pdftotext"), "-raw", *pages, str(source), "-"], capture_output=True, check=True, timeout=60
    )
    return out.stdout.decode("utf-8")
