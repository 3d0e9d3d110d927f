"""Providers' returns pages, tried as an attacker: a provider reaching another provider's service by
its address or by a tampered form field, a provider trying the commissioner's forms or a budget, a
person of the provider's organisation without the role, and a signed-out reader."""

from datetime import date
from decimal import Decimal

import pytest

from saferhub.finance.models import BudgetLine, CommissionedService, ServiceReturn
from saferhub.finance.quarters import FinancialQuarter
from saferhub.finance.services_returns import service_return_submit
from tests.factories import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
Q1 = FinancialQuarter(2015, 1)


def _as(client, user):
    client.logout()
    assert sign_in(client, user.username, PASSWORD)
    return client


def _return_url(service, quarter="2015-16-q1"):
    return f"/finance/services/{service.pk}/returns/{quarter}/"


def _form(world, **over):
    m = world["measures"]
    data = {
        "cost": "24000",
        f"value-{m['x_supported'].pk}": "120",
        f"value-{m['x_safer'].pk}": "80",
        "delivery": "Advocates in two hubs",
    }
    data.update(over)
    return data


def test_a_provider_makes_its_own_return_and_sees_it(client, world):
    _as(client, world["people"]["provider_x"])
    listing = client.get("/finance/returns/").content.decode()
    assert "Victim advocacy" in listing and "Youth outreach" not in listing and "Research" not in listing
    page = client.get(_return_url(world["sx"])).content.decode()
    assert "Return for Q1 2015/16 (April to June 2015)" in page and "Victims who feel safer" in page
    response = client.post(_return_url(world["sx"]), _form(world))
    assert response.status_code == 302
    ret = ServiceReturn.objects.get()
    assert (ret.service, ret.cost, ret.submitted_by) == (
        world["sx"],
        Decimal("24000.00"),
        world["people"]["provider_x"],
    )
    returns_page = client.get(f"/finance/services/{world['sx'].pk}/returns/").content.decode()
    assert "24,000.00" in returns_page and "300.00" in returns_page  # cost per outcome 24,000 / 80


def test_a_repeat_return_becomes_a_correction_with_its_reason(client, world):
    _as(client, world["people"]["provider_x"])
    client.post(_return_url(world["sx"]), _form(world))
    response = client.post(_return_url(world["sx"]), _form(world, cost="25000"))
    assert response.status_code == 400 and "Say why the return is being corrected" in response.content.decode()
    assert (
        client.post(_return_url(world["sx"]), _form(world, cost="25000", correction_reason="Invoice late")).status_code
        == 302
    )
    assert list(ServiceReturn.objects.order_by("version").values_list("version", "is_current", "cost")) == [
        (1, False, Decimal("24000.00")),
        (2, True, Decimal("25000.00")),
    ]
    page = client.get(_return_url(world["sx"])).content.decode()
    assert "Version 1, made" in page and "Version 2 (current)" in page and "Invoice late" in page


def test_a_provider_cannot_read_or_make_another_providers_return_by_its_address(client, world):
    service_return_submit(
        service=world["sy"],
        quarter=Q1,
        cost="9000",
        values={str(world["measures"]["y_sessions"].pk): "30"},
        today=date(2016, 6, 1),
    )
    _as(client, world["people"]["provider_x"])
    for url in (
        f"/finance/services/{world['sy'].pk}/returns/",
        _return_url(world["sy"]),
        _return_url(world["sy"], "2015-16-q2"),
    ):
        assert client.get(url).status_code == 403, url
    data = {"cost": "1", f"value-{world['measures']['y_sessions'].pk}": "1", "correction_reason": "mine now"}
    assert client.post(_return_url(world["sy"])).status_code == 403
    assert client.post(_return_url(world["sy"]), data).status_code == 403
    assert client.post(_return_url(world["sy"], "2015-16-q2"), data).status_code == 403
    assert list(ServiceReturn.objects.values_list("service", "cost")) == [(world["sy"].pk, Decimal("9000.00"))]
    # A service that does not exist is not found (its number says nothing another list does not).
    assert client.get("/finance/services/999999/returns/").status_code == 404


def test_a_provider_cannot_slip_another_services_measure_into_its_own_return(client, world):
    _as(client, world["people"]["provider_x"])
    other = world["measures"]["y_sessions"].pk
    response = client.post(_return_url(world["sx"]), _form(world, **{f"value-{other}": "999"}))
    assert response.status_code == 400
    assert f"&#x27;{other}&#x27; is not one of this service&#x27;s measures" in response.content.decode()
    assert not ServiceReturn.objects.exists()


def test_a_provider_cannot_use_the_commissioners_forms_or_read_the_partnerships_money(client, world):
    _as(client, world["people"]["provider_x"])
    url = f"/finance/services/{world['sx'].pk}/returns/"
    assert client.post(url, {"form": "provider", "provider": "y-outreach"}).status_code == 403
    assert client.post(url, {"form": "outcome_measure", "measure": ""}).status_code == 403
    world["sx"].refresh_from_db()
    assert world["sx"].provider == world["x"] and world["measures"]["x_safer"].counts_outcomes
    line = BudgetLine.objects.get(key="roads")
    for forbidden in (
        f"/finance/lines/{line.pk}/edit/",
        "/finance/budgets/alpha-revenue-2015-16/",
        "/finance/funds/alpha-fund-2015-16/",
        f"/finance/services/{world['sx'].pk}/",
        "/finance/budgets/alpha-revenue-2015-16/monitoring/",
    ):
        assert client.get(forbidden).status_code == 403, forbidden
    response = client.post(
        f"/finance/lines/{line.pk}/edit/",
        {"area_of_spend": "Mine", "year": "2015/16", "kind": "revenue", "amount": "1"},
    )
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.amount == Decimal("50000.00")


@pytest.mark.parametrize("who", ["x_without_role", "x_provider_in_beta", "beta_contributor", "nobody"])
def test_without_the_provider_role_in_the_funds_partnership_nothing_is_open(client, world, who):
    _as(client, world["people"][who])
    assert client.get(f"/finance/services/{world['sx'].pk}/returns/").status_code == 403
    assert client.get(_return_url(world["sx"])).status_code == 403
    assert client.post(_return_url(world["sx"]), _form(world)).status_code == 403
    assert "Victim advocacy" not in client.get("/finance/returns/").content.decode()
    assert not ServiceReturn.objects.exists()


def test_a_viewer_reads_returns_but_does_not_make_them(client, world):
    _as(client, world["people"]["viewer"])
    assert client.get(f"/finance/services/{world['sx'].pk}/returns/").status_code == 200
    assert client.post(_return_url(world["sx"]), _form(world)).status_code == 403
    assert not ServiceReturn.objects.exists()


def test_a_signed_out_reader_is_sent_to_sign_in(client, world):
    for url in ("/finance/returns/", f"/finance/services/{world['sx'].pk}/returns/", _return_url(world["sx"])):
        assert client.get(url).status_code == 302
        response = client.post(url, _form(world))
        assert response.status_code == 302 and "/sign-in/" in response["Location"]
    assert not ServiceReturn.objects.exists()


def test_the_commissioner_records_the_provider_and_the_outcome_measure(client, world):
    _as(client, world["people"]["contributor"])
    url = f"/finance/services/{world['indicative'].pk}/returns/"
    assert client.post(url, {"form": "provider", "provider": "no-such-org"}).status_code == 400
    assert client.post(url, {"form": "provider", "provider": "y-outreach"}).status_code == 302
    assert CommissionedService.objects.get(pk=world["indicative"].pk).provider == world["y"]
    # Now provider Y sees the research service's returns; X still does not.
    assert access_ok(client, world["people"]["provider_y"], url)
    assert not access_ok(client, world["people"]["provider_x"], url)
    _as(client, world["people"]["contributor"])
    sx_url = f"/finance/services/{world['sx'].pk}/returns/"
    other = world["measures"]["y_sessions"].pk
    response = client.post(sx_url, {"form": "outcome_measure", "measure": str(other)})
    assert response.status_code == 400 and "not one of this service" in response.content.decode()


def access_ok(client, user, url):
    _as(client, user)
    return client.get(url).status_code == 200


def test_errors_are_summarised_on_their_fields(client, world):
    _as(client, world["people"]["provider_x"])
    pk = world["measures"]["x_supported"].pk
    response = client.post(_return_url(world["sx"]), _form(world, cost="-1", **{f"value-{pk}": "NaN"}))
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert 'href="#cost"' in page and f'href="#value-{pk}"' in page and 'id="cost-error"' in page
    assert 'value="NaN"' in page


def test_the_fund_page_shows_cost_per_outcome_and_overdue_returns_to_members(client, world):
    service_return_submit(
        service=world["sx"],
        quarter=Q1,
        cost="24000",
        values={str(world["measures"]["x_supported"].pk): "120", str(world["measures"]["x_safer"].pk): "80"},
        today=date(2016, 6, 1),
    )
    _as(client, world["people"]["viewer"])
    page = client.get("/finance/funds/alpha-fund-2015-16/").content.decode()
    assert "Cost per outcome" in page and "300.00" in page and "Victims who feel safer" in page
    assert "Returns overdue" in page and "Youth outreach" in page  # no return at all from outreach
