"""Essex money actually spent: only what the seeds state. The DAAT's 2007/08 out-turn (seed 004,
item 5) is transcribed as stated out-turns; no quarter's actual spend is invented, so the pages say
"no actuals recorded yet"."""

import re
from datetime import date
from decimal import Decimal

import pytest

from saferhub.accounts.models import Role
from saferhub.finance.essex_monitoring import finance_monitoring_essex_load
from saferhub.finance.models import BudgetLineQuarter, ServiceReturn, StatedOutturn
from saferhub.finance.selectors_monitoring import budget_monitoring_summary

pytestmark = pytest.mark.django_db
SEED_004 = "004_57094ecd32c0cd5d.txt"


def test_the_daat_outturn_is_transcribed_as_the_seed_states_it(essex_partnerships, seed_text):
    counts = finance_monitoring_essex_load().count("stated out-turns")
    assert (counts.created, counts.unchanged) == (2, 0)
    minutes = seed_text(SEED_004)
    item = minutes[minutes.index("DAAT 2007-8 Budget Out-turn") :]
    amounts_in_seed = sorted(Decimal(a.replace(",", "")) for a in re.findall(r"underspend of £([\d,]+)", item))
    loaded = StatedOutturn.objects.order_by("amount")
    assert [o.amount for o in loaded] == amounts_in_seed and len(amounts_in_seed) == 2
    for outturn in loaded:
        assert outturn.partnership.slug == "safer-essex" and outturn.year == "2007/08"
        assert outturn.kind == "underspend" and outturn.source.startswith(SEED_004)
        assert outturn.reported_on == date(2008, 7, 1) and "1st July 2008" in minutes
    assert "Treatment Redesign Programme" in loaded.get(amount=Decimal("842000")).reason
    assert "detox and rehab monies" in loaded.get(amount=Decimal("361000")).reason
    counts = finance_monitoring_essex_load().count("stated out-turns")
    assert (counts.created, counts.unchanged) == (0, 2)


def test_the_safer_essex_board_of_1_july_2008_is_told_of_them(essex_partnerships):
    finance_monitoring_essex_load()
    summary = budget_monitoring_summary(partnership=essex_partnerships["safer-essex"], as_of=date(2008, 7, 1))
    assert [o.amount for o in summary.stated_outturns] == [Decimal("361000.00"), Decimal("842000.00")]
    assert summary.budgets == [] and not summary.has_actuals


def test_no_actuals_are_invented_and_the_pages_say_so(essex_loaded, essex_partnerships, member, signed_in):
    finance_monitoring_essex_load()
    assert not BudgetLineQuarter.objects.exists() and not ServiceReturn.objects.exists()
    client = signed_in(member(essex_partnerships["ecc-safer-communities"], Role.VIEWER))
    page = client.get("/finance/budgets/ecc-safe-communities-revenue-2015-16/monitoring/").content.decode()
    assert "No actuals recorded yet" in page and "113,700,000.00" in page
    summary = client.get("/finance/monitoring/?partnership=ecc-safer-communities&year=2015/16").content.decode()
    assert "No actuals recorded yet for 2015/16" in summary
