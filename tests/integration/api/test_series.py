"""The series endpoint reads through the same door and suppression as the indicator page: a
signed-out client gets exactly the page's CSV (byte for byte) and its JSON says the same; members
see their own figures whole, with each such read audited."""

from __future__ import annotations

import csv
import io

import pytest

from saferhub.core.disclosure import is_small
from saferhub.measures.models import IndicatorValue
from saferhub.sharing.models import Agreement, Dataset, ReadAudit
from tests.factories import OrganisationFactory
from tests.integration.api.conftest import HARLOW, member, token_for
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db

AREAS = [HARLOW, builders.COUNTY, builders.FORCE, "E07000066", "E06000033"]


def page_csv(client, slug: str, code: str) -> bytes:
    response = client.get(f"/performance/indicators/{slug}/?area={code}&format=csv")
    assert response.status_code == 200
    return response.content


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize("slug", ["crime-bicycle-theft", "crime-robbery", "anti-social-behaviour"])
def test_a_signed_out_client_gets_the_public_pages_csv_exactly(client, crime_counts, slug):
    for code in AREAS:
        api = client.get(f"/api/indicators/{slug}/series?area={code}&format=csv")
        assert api.status_code == 200
        assert api["Content-Type"].startswith("text/csv")
        assert api.content == page_csv(client, slug, code), (slug, code)


def test_the_json_series_says_what_the_page_csv_says(client, crime_counts):
    hidden_seen = 0
    for code in AREAS:
        page = {r[0]: r for r in rows_of(page_csv(client, "crime-bicycle-theft", code))[1:]}
        body = client.get(f"/api/indicators/crime-bicycle-theft/series?area={code}").json()
        assert body["area"]["code"] == code
        assert [p["period_label"] for p in body["values"]] == list(page)
        for point in body["values"]:
            row = page[point["period_label"]]
            if point["suppressed"]:
                hidden_seen += 1
                assert point["value"] is None and point["lower_95"] is None and point["numerator"] is None
                assert row[2] == row[3] == row[4] == ""
            else:
                assert float(row[1]) == point["value"]
    assert hidden_seen, "the fixture holds hidden counts"


def test_signed_out_no_count_of_1_to_4_comes_out_of_any_area(client, crime_counts):
    """Every stored count of 1 to 4 is null (or absent) in the API, for every area and indicator."""
    small = {
        (v.indicator.slug, v.area.code, v.period_label)
        for v in IndicatorValue.objects.filter(breakdown="").select_related("indicator", "area")
        if is_small(v.value)
    }
    assert small
    codes = {code for _, code, _ in small}
    for slug in crime_counts:
        for code in codes:
            body = client.get(f"/api/indicators/{slug}/series?area={code}").json()
            for p in body["values"]:
                if (slug, code, p["period"]) in small:
                    assert p["suppressed"] and p["value"] is None, (slug, code, p["period"])
                assert p["value"] is None or not is_small(p["value"])
            for r in body["compared"]:
                assert r["value"] is None or not is_small(r["value"])


def test_a_member_token_sees_its_own_small_counts_and_the_read_is_audited(client, crime_counts, essex_partnerships):
    harlow = essex_partnerships["harlow-csp"]
    user = member(harlow)
    dataset = returns_dataset()
    agreement = Agreement.objects.create(
        slug="harlow-isa", title="Harlow ISA", partnership=harlow, purpose="Test", status=Agreement.Status.IN_FORCE
    )
    agreement.datasets.add(dataset)
    agreement.party_partnerships.add(harlow)
    stored = {
        v.period_label: v.value
        for v in IndicatorValue.objects.filter(indicator__slug="crime-bicycle-theft", area__code=HARLOW, breakdown="")
    }
    assert any(is_small(v) for v in stored.values())
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
    before = ReadAudit.objects.count()
    body = client.get(f"/api/indicators/crime-bicycle-theft/series?area={HARLOW}", **headers).json()
    assert {p["period"]: p["value"] for p in body["values"]} == stored
    assert not any(p["suppressed"] for p in body["values"])
    assert ReadAudit.objects.count() == before + 1
    row = ReadAudit.objects.order_by("-pk").first()
    assert row.user == user and row.dataset == dataset and row.agreement == agreement
    assert row.areas == [HARLOW] and row.what.startswith("API: ") and "token" in row.what
    # The public's read of the same figures is not a restricted read: nothing is recorded.
    client.get(f"/api/indicators/crime-bicycle-theft/series?area={HARLOW}")
    assert ReadAudit.objects.count() == before + 1


def returns_dataset() -> Dataset:
    """The dataset that figures typed in or returned by partnerships (no import of their own) count as."""
    owner = OrganisationFactory(slug="returns-owner", name="Returns owner")
    return Dataset.objects.create(slug="returns-test", name="Partner returns", owner=owner, source="returns")


def test_a_private_partnerships_values_are_its_members_only(client, private_indicator):
    ind = private_indicator["indicator"]
    url = f"/api/indicators/{ind.slug}/series?area={HARLOW}"
    assert client.get(url).status_code == 401
    outsider = member(private_indicator["other"], username="outsider")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token_for(outsider)}").status_code == 403
    assert (
        client.get(f"/api/indicators/{ind.slug}", HTTP_AUTHORIZATION=f"Bearer {token_for(outsider)}").status_code == 403
    )
    listed = client.get("/api/indicators", HTTP_AUTHORIZATION=f"Bearer {token_for(outsider)}").json()
    assert ind.slug not in {i["slug"] for i in listed}
    insider = member(private_indicator["private"], username="insider")
    dataset = returns_dataset()
    before = ReadAudit.objects.count()
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token_for(insider)}")
    assert response.status_code == 200
    stored = {
        v.period_label: v.value for v in IndicatorValue.objects.filter(indicator=ind, area__code=HARLOW, breakdown="")
    }
    assert {p["period"]: p["value"] for p in response.json()["values"]} == stored
    # A private partnership's figures are restricted: the read is recorded, here with no agreement
    # in force (the data owner sees that too).
    assert ReadAudit.objects.count() == before + 1
    row = ReadAudit.objects.order_by("-pk").first()
    assert (row.user, row.dataset, row.agreement, row.areas) == (insider, dataset, None, [HARLOW])


def test_a_revoked_token_gets_401_and_an_unknown_one_too(client, crime_counts, essex_partnerships):
    from saferhub.api.models import ApiToken
    from saferhub.api.tokens import api_token_revoke

    user = member(essex_partnerships["harlow-csp"])
    raw = token_for(user)
    url = "/api/indicators"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    api_token_revoke(token=ApiToken.objects.get(user=user))
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    for header in ("Bearer shub_nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "Token " + raw, "Bearer " + raw + "x"):
        assert client.get(url, HTTP_AUTHORIZATION=header).status_code == 401, header
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token_for_inactive(user)}").status_code == 401


def token_for_inactive(user) -> str:
    """A token made while the account was active, used after it was closed."""
    from saferhub.api.models import ApiToken
    from saferhub.api.tokens import PREFIX, _digest

    raw = PREFIX + "closed-account-token"
    ApiToken.objects.create(user=user, prefix=raw[:9], digest=_digest(raw))
    return raw
