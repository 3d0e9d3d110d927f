"""Areas, indicators, plans, actions, meetings and the catalogue, as each kind of reader gets them,
and hostile query strings answered with 4xx, never a server error."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from saferhub.core.models import Publication
from saferhub.framework.models import Framework
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    FrameworkFactory,
    IndicatorMembershipFactory,
    MeetingFactory,
    PartnershipFactory,
)
from tests.integration.api.conftest import HARLOW, member, token_for
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db


def test_areas_give_codes_names_types_and_parents(client, essex_partnerships):
    body = client.get("/api/areas?type=district").json()
    harlow = next(a for a in body if a["code"] == HARLOW)
    assert harlow == {
        "code": HARLOW,
        "name": "Harlow",
        "type": "district",
        "parent": builders.COUNTY,
        "force_area": builders.FORCE,
    }
    assert all(a["type"] == "district" for a in body)
    assert client.get(f"/api/areas/{HARLOW.lower()}").json()["name"] == "Harlow"
    children = client.get(f"/api/areas?parent={builders.COUNTY}").json()
    assert HARLOW in {a["code"] for a in children} and all(a["parent"] == builders.COUNTY for a in children)
    assert len(client.get("/api/areas?limit=2&offset=1").json()) == 2


def test_indicator_metadata_and_its_areas(client, crime_counts):
    listed = {i["slug"]: i for i in client.get("/api/indicators").json()}
    assert set(crime_counts) <= set(listed)
    detail = client.get("/api/indicators/crime-robbery").json()
    assert detail["value_type"] == "count" and detail["frequency"] == "monthly"
    assert HARLOW in detail["areas"] and builders.COUNTY in detail["areas"]
    assert detail["series_url"].endswith("/api/indicators/crime-robbery/series")
    county = client.get(f"/api/indicators/crime-robbery/series?area={builders.COUNTY}").json()
    assert {r["code"] for r in county["compared"]} >= {HARLOW}
    assert county["benchmark_period"] == county["values"][0]["period"]


def test_plans_are_read_as_the_pages_read_them_and_actions_follow_their_partnership(client, essex_partnerships):
    private = PartnershipFactory(slug="closed-csp", publishes_performance=False)
    public = essex_partnerships["safer-essex"]
    adopted = FrameworkFactory(owner=public, slug="open-plan", status=Framework.Status.ACTIVE)
    draft = FrameworkFactory(owner=public, slug="draft-plan", status=Framework.Status.DRAFT)
    closed = FrameworkFactory(owner=private, slug="closed-plan", status=Framework.Status.ACTIVE)
    IndicatorMembershipFactory(theme__outcome__framework=adopted, code="1a")
    ActionFactory(plan__partnership=public, plan__framework=adopted, title="Open action", reference="CSA3/1")
    ActionFactory(plan__partnership=private, plan__framework=adopted, title="Private action")
    slugs = {f["slug"] for f in client.get("/api/frameworks").json()}
    assert "open-plan" in slugs and not slugs & {"draft-plan", "closed-plan"}
    assert client.get("/api/frameworks/draft-plan").status_code == 401
    assert client.get("/api/frameworks/closed-plan").status_code == 401
    assert client.get("/api/frameworks/open-plan").json()["indicators"][0]["code"] == "1a"
    actions = client.get("/api/frameworks/open-plan/actions").json()
    assert [a["title"] for a in actions] == ["Open action"] and actions[0]["reference"] == "CSA3/1"
    insider = {"HTTP_AUTHORIZATION": f"Bearer {token_for(member(private))}"}
    titles = {a["title"] for a in client.get("/api/frameworks/open-plan/actions", **insider).json()}
    assert titles == {"Open action", "Private action"}
    assert client.get("/api/frameworks/closed-plan", **insider).status_code == 200
    assert client.get("/api/frameworks/draft-plan", **insider).status_code == 403
    assert draft.pk and closed.pk


def test_meetings_are_members_until_published_and_private_items_stay_private(client, essex_partnerships):
    safer = essex_partnerships["safer-essex"]
    meeting = MeetingFactory(partnership=safer, date=dt.date(2008, 7, 1))
    AgendaItemFactory(meeting=meeting, title="Performance report")
    assert client.get("/api/meetings").json() == []
    outsider = {"HTTP_AUTHORIZATION": f"Bearer {token_for(member(essex_partnerships['harlow-csp']))}"}
    assert client.get("/api/meetings", **outsider).json() == []
    insider = {"HTTP_AUTHORIZATION": f"Bearer {token_for(member(safer))}"}
    body = client.get("/api/meetings", **insider).json()
    assert [m["id"] for m in body] == [str(meeting.public_id)]
    assert body[0]["date"] == "2008-07-01" and body[0]["items"][0]["title"] == "Performance report"
    # Published, it is everyone's, except an item taken in private.
    AgendaItemFactory(meeting=meeting, title="Staffing matter", exempt=True)
    meeting.publication = Publication.PUBLISHED
    meeting.save(update_fields=["publication"])
    public = client.get("/api/meetings").json()
    assert [i["title"] for i in public[0]["items"]] == ["Performance report"]
    mine = client.get("/api/meetings", **insider).json()
    assert {i["title"] for i in mine[0]["items"]} == {"Performance report", "Staffing matter"}


def test_the_catalogue_lists_each_published_series_in_dcat(client, crime_counts, private_indicator):
    response = client.get("/api/catalogue")
    assert response["Content-Type"] == "application/ld+json"
    body = json.loads(response.content)
    assert body["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert "dcat:Catalog" in body["@type"]
    ids = {d["dct:identifier"] for d in body["dcat:dataset"]}
    assert f"crime-robbery/{HARLOW}" in ids and f"crime-robbery/{builders.COUNTY}" in ids
    assert not any(i.startswith("private-referrals/") for i in ids)  # a private partnership's
    one = next(d for d in body["dcat:dataset"] if d["dct:identifier"] == f"crime-robbery/{HARLOW}")
    downloads = {d["dcat:mediaType"]: d["dcat:downloadURL"]["@id"] for d in one["dcat:distribution"]}
    assert set(downloads) == {"application/json", "text/csv"}
    assert client.get(downloads["text/csv"].replace("http://testserver", "")).status_code == 200
    assert "MONTHLY" in one["dct:accrualPeriodicity"]["@id"]


HOSTILE = [
    "/api/areas?limit=-1",
    "/api/areas?limit=99999999999999999999999",
    "/api/areas?offset=1e308",
    "/api/areas?type=district%27%20OR%201=1--",
    "/api/areas?parent=%00",
    "/api/areas?parent=" + "E" * 5000,
    "/api/areas/E07000073%00",
    "/api/areas/%F0%9F%92%A9",
    "/api/indicators/..%2F..%2Fetc%2Fpasswd",
    "/api/indicators/" + "a" * 500,
    "/api/indicators/crime-robbery/series?area=%00",
    "/api/indicators/crime-robbery/series?area=E07000073&format=xlsx",
    "/api/indicators/crime-robbery/series?area=E07000073&format=csv%00",
    "/api/indicators/crime-robbery/series?area=Z99999999",
    "/api/indicators/%3Cscript%3E/series",
    "/api/frameworks/%27;DROP%20TABLE%20x;--",
    "/api/frameworks/nope/actions",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_query_strings_get_4xx_not_500(client, crime_counts, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert b"Traceback" not in response.content


@pytest.mark.parametrize(
    "url",
    [
        # An unknown parameter is ignored, and of a repeated one the last counts (as on the pages).
        "/api/indicators/crime-robbery/series?area[]=E07000073",
        "/api/indicators/crime-robbery/series?area=E07000073&area=E10000012&format=json&format=csv",
    ],
)
def test_odd_query_strings_are_answered_without_a_server_error(client, crime_counts, url):
    assert client.get(url).status_code == 200


def test_a_hostile_authorization_header_gets_401(client, db):
    for header in ("Bearer " + "x" * 10_000, "Bearer \x00", "Bearer shub_" + "é" * 40, "bearer", "Bearer a b c"):
        assert client.get("/api/areas", HTTP_AUTHORIZATION=header).status_code == 401, header
