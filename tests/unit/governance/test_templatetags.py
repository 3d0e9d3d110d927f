"""How dates, times, owners and money read on governance pages."""

from datetime import date, time
from decimal import Decimal
from types import SimpleNamespace

from saferhub.governance.templatetags.governance import long_date, money, owner, uk_time


def test_dates_and_times_read_the_gov_uk_way():
    assert long_date(date(2008, 7, 1)) == "1 July 2008"
    assert uk_time(time(9, 30)) == "9:30am"
    assert uk_time(time(14, 0)) == "2pm"
    assert uk_time(time(12, 0)) == "midday"
    assert uk_time(time(0, 15)) == "12:15am"
    assert uk_time(None) == "" and long_date(None) == ""


def test_an_owner_is_the_role_then_the_organisation_unless_the_role_names_it():
    org = SimpleNamespace(name="Essex Drug and Alcohol Action Team")
    assert owner(SimpleNamespace(lead_role="Strategic Manager", lead_organisation=org, lead_organisation_id=1)) == (
        "Strategic Manager, Essex Drug and Alcohol Action Team"
    )
    assert owner(SimpleNamespace(lead_role="Target Leads", lead_organisation=None, lead_organisation_id=None)) == (
        "Target Leads"
    )
    ecc = SimpleNamespace(name="Essex County Council")
    assert owner(
        SimpleNamespace(lead_role="Cabinet Member, Essex County Council", lead_organisation=ecc, lead_organisation_id=2)
    ) == ("Cabinet Member, Essex County Council")


def test_money_drops_pence_when_whole():
    assert money(Decimal("25000.00")) == "£25,000"
    assert money(Decimal("12.5")) == "£12.50"
    assert money(None) == ""
