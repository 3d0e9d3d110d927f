"""Budget monitoring pages, tried as each kind of reader and as an attacker: signed out, another
partnership's contributor, a viewer, a provider; tampered lines and quarters; hostile text in the
CSV export."""

import csv
import io
from decimal import Decimal

import pytest

from saferhub.finance.models import BudgetLineQuarter, BudgetProfile, VarianceThreshold
from saferhub.finance.quarters import FinancialQuarter
from tests.factories import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
Q1 = FinancialQuarter(2015, 1)


def _urls(world):
    line = world["lines"]["roads"]
    return {
        "summary": "/finance/monitoring/?partnership=alpha-csp",
        "budget": "/finance/budgets/alpha-revenue-2015-16/monitoring/",
        "quarter": "/finance/budgets/alpha-revenue-2015-16/monitoring/2015-16-q1/",
        "profile": f"/finance/lines/{line.pk}/profile/",
        "threshold": "/finance/monitoring/alpha-csp/threshold/",
    }


def _as(client, user):
    client.logout()
    assert sign_in(client, user.username, PASSWORD)
    return client


def _entry(world, **typed):
    pk = world["lines"]["roads"].pk
    return {
        f"actual-{pk}": typed.get("actual", "12500"),
        f"forecast_outturn-{pk}": typed.get("forecast", "50000"),
        f"reason-{pk}": typed.get("reason", ""),
    }


def test_a_signed_out_reader_is_sent_to_sign_in_and_nothing_is_written(client, world):
    for name, url in _urls(world).items():
        assert client.get(url).status_code == 302, name
        response = client.post(url, {**_entry(world), "percent": "1", "profile-2015-16-q1": "1"})
        assert response.status_code == 302 and "/sign-in/" in response["Location"], name
    assert not BudgetLineQuarter.objects.exists() and not VarianceThreshold.objects.exists()


@pytest.mark.parametrize("who", ["beta_contributor", "beta_administrator", "provider_x", "nobody"])
def test_people_outside_the_partnership_see_and_enter_nothing(client, world, who):
    _as(client, world["people"][who])
    for name, url in _urls(world).items():
        assert client.get(url).status_code == 403, (who, name)
    assert client.post(_urls(world)["quarter"], _entry(world)).status_code == 403
    assert (
        client.post(
            _urls(world)["profile"],
            {f"profile-{q}": "12500" for q in ("2015-16-q1", "2015-16-q2", "2015-16-q3", "2015-16-q4")},
        ).status_code
        == 403
    )
    assert client.post(_urls(world)["threshold"], {"percent": "50"}).status_code == 403
    assert not BudgetLineQuarter.objects.exists() and not BudgetProfile.objects.exists()
    assert not VarianceThreshold.objects.exists()
    # The summary does not offer another partnership's money either.
    page = client.get("/finance/monitoring/").content.decode()
    assert "Alpha Community Safety" not in page and "Alpha revenue" not in page


def test_a_viewer_reads_but_does_not_enter_actuals_or_set_the_threshold(client, world):
    _as(client, world["people"]["viewer"])
    urls = _urls(world)
    assert client.get(urls["summary"]).status_code == 200
    assert client.get(urls["budget"]).status_code == 200
    assert client.get(urls["quarter"]).status_code == 403
    assert client.post(urls["quarter"], _entry(world)).status_code == 403
    assert client.post(urls["threshold"], {"percent": "50"}).status_code == 403
    assert not BudgetLineQuarter.objects.exists()


def test_a_contributor_enters_a_quarter_and_the_pages_show_it(client, world):
    _as(client, world["people"]["contributor"])
    urls = _urls(world)
    form = client.get(urls["quarter"]).content.decode()
    assert "Figures for Q1 2015/16 (April to June 2015)" in form and "Road safety" in form
    response = client.post(urls["quarter"], _entry(world))
    assert response.status_code == 302 and response["Location"] == urls["budget"]
    page = client.get(urls["budget"]).content.decode()
    assert "12,500.00" in page and "On budget" in page
    # As at the latest quarter with figures, not the latest quarter ended (which has none yet).
    assert "Figures to the end of Q1 2015/16 (April to June 2015)." in page and "On profile" in page
    earlier = client.get(urls["budget"] + "?through=2015-16-q4").content.decode()
    assert "Figures to the end of Q4 2015/16" in earlier and "£37,500.00 behind profile" in earlier
    summary = client.get(urls["summary"] + "&year=2015/16").content.decode()
    assert "12,500.00" in summary and "Alpha revenue 2015/16" in summary


def test_before_any_entry_the_pages_say_no_actuals_recorded_yet(client, world):
    _as(client, world["people"]["viewer"])
    assert "No actuals recorded yet" in client.get(_urls(world)["budget"]).content.decode()
    assert "No actuals recorded yet" in client.get(_urls(world)["summary"] + "&year=2015/16").content.decode()


def test_errors_are_summarised_and_placed_on_their_fields(client, world):
    _as(client, world["people"]["contributor"])
    pk = world["lines"]["roads"].pk
    response = client.post(_urls(world)["quarter"], _entry(world, actual="-5", forecast="NaN"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and f'href="#actual-{pk}"' in page and f'href="#forecast_outturn-{pk}"' in page
    assert f'id="actual-{pk}-error"' in page and "cannot be negative" in page
    assert 'value="-5"' in page  # what was typed is kept for correcting
    assert not BudgetLineQuarter.objects.exists()


def test_a_line_of_another_partnership_slipped_into_the_form_is_refused(client, world):
    _as(client, world["people"]["contributor"])
    beta = world["lines"]["beta"].pk
    data = {**_entry(world), f"actual-{beta}": "1", f"forecast_outturn-{beta}": "1"}
    response = client.post(_urls(world)["quarter"], data)
    assert response.status_code == 400 and "not lines of Alpha revenue 2015/16" in response.content.decode()
    assert not BudgetLineQuarter.objects.exists()


def test_a_quarter_outside_the_budgets_year_is_refused(client, world):
    _as(client, world["people"]["contributor"])
    url = "/finance/budgets/alpha-revenue-2015-16/monitoring/2019-20-q1/"
    assert client.get(url).status_code == 400
    response = client.post(url, _entry(world))
    assert response.status_code == 400 and "outside this budget" in response.content.decode()
    assert client.get("/finance/budgets/alpha-revenue-2015-16/monitoring/2015-16-q9/").status_code == 404
    assert not BudgetLineQuarter.objects.exists()


def test_hostile_text_is_escaped_on_the_page_and_made_safe_in_the_export(client, world):
    _as(client, world["people"]["contributor"])
    reason = '=HYPERLINK("http://evil.example","click")<script>alert(1)</script>'
    assert client.post(_urls(world)["quarter"], _entry(world, forecast="70000", reason=reason)).status_code == 302
    page = client.get(_urls(world)["budget"]).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    body = client.get(_urls(world)["budget"] + "?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    reasons = [r[-1] for r in rows[1:] if r[0] == "Road safety"]
    assert reasons == ["'" + reason]
    summary = client.get(_urls(world)["summary"] + "&year=2015/16&format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in summary and ",=HYPERLINK" not in summary
    xlsx = client.get(_urls(world)["budget"] + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('.xlsx"')


def test_an_administrator_sets_the_threshold(client, world):
    _as(client, world["people"]["administrator"])
    url = _urls(world)["threshold"]
    response = client.post(url, {"percent": "120", "amount": ""})
    assert response.status_code == 400 and "120% is not possible" in response.content.decode()
    assert client.post(url, {"percent": "", "amount": "£2,000"}).status_code == 302
    assert VarianceThreshold.objects.get().amount == Decimal("2000.00")
    assert "more than £2,000.00" in client.get(_urls(world)["summary"]).content.decode()


def test_a_contributor_sets_a_profile(client, world):
    _as(client, world["people"]["contributor"])
    url = _urls(world)["profile"]
    data = {
        "profile-2015-16-q1": "5000",
        "profile-2015-16-q2": "15000",
        "profile-2015-16-q3": "15000",
        "profile-2015-16-q4": "14000",
    }
    response = client.post(url, data)
    assert response.status_code == 400 and "add up to £49,000.00" in response.content.decode()
    assert client.post(url, {**data, "profile-2015-16-q4": "15000"}).status_code == 302
    assert BudgetProfile.objects.count() == 4


def test_pages_use_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    _as(client, world["people"]["contributor"])
    urls = _urls(world)
    for url in (urls["summary"], urls["budget"], urls["quarter"]):
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200
