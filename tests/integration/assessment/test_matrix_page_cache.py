"""A partnership's priority matrix is rendered once per change of the data for each partnership and
role and shared by its members (saferhub.core.member_page, issue 22). Read as an attacker would: a
member of another partnership, a member with a lesser role and a signed-out reader each get their
own page — never Harlow's decision, never another reader's CSRF token, never a form they may not
use — and a write empties the kept page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from saferhub.accounts.models import Organisation, Partnership, PartnershipRole, Role, User
from saferhub.assessment.matrix_decisions import priorities_decide
from saferhub.assessment.matrix_services import partnership_matrix
from saferhub.assessment.scoring import CRITERIA
from saferhub.core.member_page import HIT, HIT_HEADER
from saferhub.geography.models import Area
from saferhub.incidents.configured import record_store as the_store
from saferhub.ingest.services import police_uk_import
from saferhub.sharing.models import Disclosure, ReadAudit
from saferhub.sharing.services import dataset_upsert
from tests.factories import PartnershipRoleFactory, sign_in
from tests.integration.ingest.conftest import street_file, street_row

pytestmark = pytest.mark.django_db

HARLOW, EPPING = "E07000073", "E07000072"
HARLOW_URL, EPPING_URL = f"/assessment/matrix/{HARLOW}/?year=2024", f"/assessment/matrix/{EPPING}/?year=2024"
SECRET = "Harlow reason: the March board closed session"


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def _without_per_response_values(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


@pytest.fixture
def matrices(essex_reference, record_store, tmp_path):
    """Police.uk records of January 2024 in Harlow and Epping Forest, and Harlow's decision on its
    priorities with a reason only Harlow's members may read."""
    rows = [
        street_row(month="2024-01", lsoa="E01021854", lsoa_name="Harlow 001A", crime_type=kind, lon=f"0.14{n}")
        for n, kind in enumerate(["Burglary"] * 4 + ["Vehicle crime"] * 3 + ["Anti-social behaviour"] * 2)
    ] + [
        street_row(month="2024-01", lsoa="E01021768", lsoa_name="Epping Forest 001A", crime_type=kind, lon=f"0.13{n}")
        for n, kind in enumerate(["Shoplifting"] * 5 + ["Anti-social behaviour"] * 3)
    ]
    police_uk_import(paths=[street_file(tmp_path, rows)])
    dataset_upsert(  # the records' dataset, so that each read of them is audited
        slug="street",
        name="Street crime",
        owner=Organisation.objects.get(slug="essex-police"),
        source="police-uk",
        disclosure=Disclosure.PUBLIC_AGGREGATE,
    )
    harlow = Partnership.objects.get(area__code=HARLOW)
    analyst = PartnershipRoleFactory(partnership=harlow, role=Role.ANALYST, user__username="harlow-analyst").user
    area = Area.objects.get(code=HARLOW)
    current = partnership_matrix(store=the_store(), area=area, year=2024, partnership=harlow)
    priorities_decide(
        user=analyst,
        partnership=harlow,
        area=area,
        year=2024,
        months=current.months,
        proposed=current.proposed,
        priorities=current.proposed,
        weights=current.weights,
        reason=SECRET,
    )
    return {"harlow": harlow, "epping": Partnership.objects.get(area__code=EPPING), "analyst": analyst}


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_each_member_gets_their_own_page_token_and_forms(matrices):
    harlow, epping = matrices["harlow"], matrices["epping"]
    # Every reader signs in first, as a reader would.
    first = _client(matrices["analyst"])
    second = _client(PartnershipRoleFactory(partnership=harlow, role=Role.ANALYST).user)
    viewer = _client(PartnershipRoleFactory(partnership=harlow, role=Role.VIEWER).user)
    outsider = _client(PartnershipRoleFactory(partnership=epping, role=Role.ANALYST).user)
    page = first.get(HARLOW_URL)
    assert page.status_code == 200 and HIT_HEADER not in page.headers
    html = page.content.decode()
    assert SECRET in html and "Save the weights" in html and "Record the priorities" in html
    first_tokens = _tokens(html)
    assert len(first_tokens) == 1  # the sign-out form and both forms carry this reader's token

    # A second analyst of Harlow reads the kept page, with their own token that their own session accepts.
    kept = second.get(HARLOW_URL)
    assert kept.status_code == 200 and kept.headers[HIT_HEADER] == HIT
    kept_html = kept.content.decode()
    assert _tokens(kept_html).isdisjoint(first_tokens) and len(_tokens(kept_html)) == 1
    assert _without_per_response_values(kept_html) == _without_per_response_values(html)
    weights = {"year": 2024, **dict.fromkeys(CRITERIA, "2")}
    stolen = second.post(
        f"/assessment/matrix/{HARLOW}/weights/", {**weights, "csrfmiddlewaretoken": next(iter(first_tokens))}
    )
    assert stolen.status_code == 403  # the first reader's token is no good in another session
    own = second.post(
        f"/assessment/matrix/{HARLOW}/weights/", {**weights, "csrfmiddlewaretoken": _tokens(kept_html).pop()}
    )
    assert own.status_code == 302

    # A viewer of Harlow reads the matrix and the decision, with no form to decide or weigh.
    seen = viewer.get(HARLOW_URL)
    assert seen.status_code == 200
    seen_html = seen.content.decode()
    assert SECRET in seen_html
    assert "Save the weights" not in seen_html and "Record the priorities" not in seen_html
    assert f"/assessment/matrix/{HARLOW}/weights/" not in seen_html
    assert _tokens(seen_html).isdisjoint(first_tokens | _tokens(kept_html))

    # An analyst of Epping Forest: refused Harlow's page, and their own page holds nothing of Harlow's.
    assert outsider.get(HARLOW_URL).status_code == 403
    theirs = outsider.get(EPPING_URL)
    assert theirs.status_code == 200 and HIT_HEADER not in theirs.headers
    theirs_html = theirs.content.decode()
    assert "Priority matrix: Epping Forest" in theirs_html and "Save the weights" in theirs_html
    assert SECRET not in theirs_html
    assert _tokens(theirs_html).isdisjoint(first_tokens | _tokens(kept_html))

    # Signed out: sent to sign in, with nothing of the page.
    anonymous = Client().get(HARLOW_URL)
    assert anonymous.status_code == 302 and SECRET not in anonymous.content.decode()


def test_every_read_is_audited_even_when_the_page_is_kept(matrices):
    reader = _client(matrices["analyst"])
    before = ReadAudit.objects.filter(what="Priority matrix").count()
    responses = [reader.get(HARLOW_URL) for _ in range(3)]
    assert [r.headers.get(HIT_HEADER) for r in responses] == [None, HIT, HIT]
    assert ReadAudit.objects.filter(what="Priority matrix").count() == before + 3


def test_a_write_empties_the_kept_page(matrices):
    reader = _client(matrices["analyst"])
    assert reader.get(HARLOW_URL).headers.get(HIT_HEADER) is None
    assert reader.get(HARLOW_URL).headers[HIT_HEADER] == HIT
    page = reader.get(HARLOW_URL).content.decode()
    saved = reader.post(
        f"/assessment/matrix/{HARLOW}/weights/",
        {"year": 2024, **dict.fromkeys(CRITERIA, "1"), "volume": "4", "csrfmiddlewaretoken": _tokens(page).pop()},
    )
    assert saved.status_code == 302
    fresh = reader.get(HARLOW_URL)
    assert HIT_HEADER not in fresh.headers
    assert re.search(r'id="volume" name="volume" type="text" inputmode="numeric" value="4"', fresh.content.decode())


def test_an_error_page_is_never_kept(matrices):
    reader = _client(matrices["analyst"])
    for _ in range(2):
        bad = reader.get(f"/assessment/matrix/{HARLOW}/?year=1999")
        assert bad.status_code == 400 and HIT_HEADER not in bad.headers
        assert "Choose a year with records in the hub (2024), not &#x27;1999&#x27;" in bad.content.decode()


# The reader's session and user are kept in each web process (saferhub.accounts.kept) until their
# tables change. Read as an attacker would: a session ended, a password changed, an account closed or
# a role taken away anywhere — in another process, by the admin or by SQL — must count at the very
# next request, though the page, the session and the user were all kept.


def _signed_in_and_kept() -> Client:
    reader = Client()
    assert sign_in(reader, "harlow-analyst")  # through the sign-in page: the password backend's session
    assert reader.get(HARLOW_URL).status_code == 200
    kept = reader.get(HARLOW_URL)
    assert kept.status_code == 200 and kept.headers[HIT_HEADER] == HIT
    return reader


def _sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


def test_a_kept_page_costs_one_query_and_the_audit(matrices):
    reader = _signed_in_and_kept()
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(HARLOW_URL).headers[HIT_HEADER] == HIT
    tables = [re.search(r'(?:FROM|INTO) "?(\w+)', q["sql"]).group(1) for q in queries.captured_queries]
    # The counters (one read) and the read audit's insert: no session, user, role or area query.
    assert tables == ["core_changecounter", "sharing_readaudit"], tables


def test_a_session_ended_elsewhere_is_refused_at_the_next_request(matrices):
    reader = _signed_in_and_kept()
    Session.objects.all().delete()  # signed out in another process, or by the admin
    assert _sent_to_sign_in(reader.get(HARLOW_URL))


def test_a_session_ended_by_its_own_sign_out_is_not_kept(matrices):
    reader = _signed_in_and_kept()
    stolen = reader.cookies[settings.SESSION_COOKIE_NAME].value
    page = reader.get(HARLOW_URL).content.decode()
    reader.post("/account/sign-out/", {"csrfmiddlewaretoken": _tokens(page).pop()})
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen  # the old cookie, kept by an attacker
    assert _sent_to_sign_in(replay.get(HARLOW_URL))


def test_a_password_changed_elsewhere_signs_the_reader_out(matrices):
    reader = _signed_in_and_kept()
    analyst = User.objects.get(pk=matrices["analyst"].pk)
    analyst.set_password("a different long passphrase")
    analyst.save()
    assert _sent_to_sign_in(reader.get(HARLOW_URL))


def test_a_closed_account_is_signed_out_though_kept(matrices):
    reader = _signed_in_and_kept()
    User.objects.filter(pk=matrices["analyst"].pk).update(is_active=False)  # a queryset update, no signal
    assert _sent_to_sign_in(reader.get(HARLOW_URL))


def test_a_role_taken_away_is_refused_at_the_next_request(matrices):
    reader = _signed_in_and_kept()
    PartnershipRole.objects.filter(user=matrices["analyst"]).delete()
    refused = reader.get(HARLOW_URL)
    assert refused.status_code == 403 and SECRET not in refused.content.decode()


def test_an_expired_session_is_refused_though_kept(matrices, monkeypatch):
    reader = _signed_in_and_kept()
    later = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    monkeypatch.setattr(timezone, "now", lambda: later)  # no write: only the kept expiry can tell
    assert _sent_to_sign_in(reader.get(HARLOW_URL))


def test_a_read_after_an_agreement_is_withdrawn_is_not_recorded_under_it(matrices):
    """The read audit's datasets and agreements are kept until sharing or accounts change: a read
    made after the agreement was withdrawn is recorded without it, not under the kept one."""
    from saferhub.sharing.models import Agreement, Dataset

    harlow = matrices["harlow"]
    agreement = Agreement.objects.create(
        slug="harlow-street", title="Harlow street crime", partnership=harlow, purpose="Test", status="in_force"
    )
    agreement.datasets.add(Dataset.objects.get(slug="street"))
    agreement.party_partnerships.add(harlow)
    reader = _client(matrices["analyst"])
    assert reader.get(HARLOW_URL).status_code == 200
    assert reader.get(HARLOW_URL).headers[HIT_HEADER] == HIT
    Agreement.objects.filter(pk=agreement.pk).update(status="withdrawn")  # a queryset update, no signal
    assert reader.get(HARLOW_URL).status_code == 200
    reads = list(ReadAudit.objects.filter(what="Priority matrix").order_by("pk"))
    assert [r.agreement_id for r in reads] == [agreement.pk, agreement.pk, None]
