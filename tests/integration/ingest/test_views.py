"""The upload pages: contributors only; check, preview, confirm or discard; progress; downloads."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saferhub.accounts.models import Role
from saferhub.framework.models import Indicator
from saferhub.ingest.models import Import
from saferhub.measures.models import IndicatorValue
from tests.factories import PASSWORD, PartnershipRoleFactory, UserFactory, sign_in
from tests.integration.ingest.conftest import STREET_HEADER, street_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def safer_essex(essex_partnerships):
    return essex_partnerships["safer-essex"]


@pytest.fixture
def force_partnership(essex_partnerships):
    """The PCC's partnership keeps the whole Essex Police area, so it may replace Essex Police months."""
    return essex_partnerships["essex-pcc-commissioning"]


def login(client, partnership, role):
    user = UserFactory()
    PartnershipRoleFactory(user=user, partnership=partnership, role=role)
    sign_in(client, user.username, PASSWORD)
    return user


def upload(client, partnership, source, name, content, **extra):
    data = {"partnership": partnership.slug, "source": source, "file": SimpleUploadedFile(name, content), **extra}
    return client.post(reverse("ingest:upload"), data)


def test_viewers_cannot_upload_and_anonymous_people_are_asked_to_sign_in(client, safer_essex):
    assert client.get(reverse("ingest:upload")).status_code == 302
    login(client, safer_essex, Role.VIEWER)
    assert client.get(reverse("ingest:upload")).status_code == 403


def test_a_contributor_uploads_sees_the_preview_and_confirms(client, safer_essex):
    user = login(client, safer_essex, Role.CONTRIBUTOR)
    page = client.get(reverse("ingest:upload"))
    assert page.status_code == 200 and 'class="govuk-file-upload"' in page.content.decode()
    Indicator.objects.create(slug="hate-incidents", title="Hate incidents", value_type="count")
    content = b"indicator,area_code,period,value\nhate-incidents,E07000073,2023,5\n"
    response = upload(client, safer_essex, "returns", "return.csv", content)
    run = Import.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ingest:detail", args=[run.pk])
    assert run.user == user and run.partnership == safer_essex and run.summary["awaiting_confirmation"]
    assert not IndicatorValue.objects.exists()  # nothing is written before confirmation
    detail = client.get(reverse("ingest:detail", args=[run.pk])).content.decode()
    assert "Check before you confirm" in detail and "Confirming will add 1 new figures" in detail
    assert "Confirm and import" in detail
    client.post(reverse("ingest:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Import.Status.COMMITTED
    assert IndicatorValue.objects.get().source_import == run
    assert "Imported" in client.get(reverse("ingest:detail", args=[run.pk])).content.decode()


def test_a_police_uk_upload_is_staged_in_the_store_and_can_be_discarded(client, force_partnership, store):
    login(client, force_partnership, Role.CONTRIBUTOR)
    content = (STREET_HEADER + "\n" + street_row() + "\n").encode()
    upload(client, force_partnership, "police-uk", "2024-01-essex-street.csv", content)
    run = Import.objects.get()
    assert run.summary["awaiting_confirmation"] and store.staged_tokens() == [run.store_token]
    assert store.manifest().partitions == {}
    client.post(reverse("ingest:discard", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Import.Status.FAILED and store.staged_tokens() == []
    assert store.manifest().partitions == {} and not IndicatorValue.objects.exists()


def test_a_bad_file_shows_its_errors_and_offers_the_rejected_rows(client, safer_essex):
    login(client, safer_essex, Role.CONTRIBUTOR)
    content = (STREET_HEADER + "\n" + street_row(lon="east") + "\n").encode()
    upload(client, safer_essex, "police-uk", "2024-01-essex-street.csv", content)
    run = Import.objects.get()
    assert run.status == Import.Status.REJECTED
    page = client.get(reverse("ingest:detail", args=[run.pk])).content.decode()
    assert "The file was not imported" in page and "Nothing in the hub was changed" in page
    assert "is not a number: expected a longitude" in page
    download = client.get(reverse("ingest:rejections", args=[run.pk]))
    assert download["Content-Type"].startswith("text/csv")
    assert b"2024-01-essex-street.csv,2,Longitude,east" in download.content


def test_the_form_explains_what_is_missing(client, safer_essex):
    login(client, safer_essex, Role.CONTRIBUTOR)
    response = client.post(reverse("ingest:upload"), {"partnership": "", "source": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert "Select the partnership the data is for" in page and "Select a file" in page
    assert 'href="#file"' in page


def test_an_oversized_upload_is_refused_by_the_form(client, safer_essex, settings):
    settings.SAFERHUB_MAX_UPLOAD_BYTES = 1024 * 1024
    login(client, safer_essex, Role.CONTRIBUTOR)
    response = upload(client, safer_essex, "police-uk", "big.csv", b"x" * (1024 * 1024 + 1))
    assert response.status_code == 400 and "must be smaller than 1 MB" in response.content.decode()
    assert not Import.objects.exists()


def test_other_partnerships_imports_are_not_visible(client, essex_partnerships, safer_essex):
    other = next(p for slug, p in essex_partnerships.items() if slug != "safer-essex")
    run = Import.objects.create(source="returns", file_name="x.csv", sha256="0" * 64, partnership=other)
    login(client, safer_essex, Role.CONTRIBUTOR)
    assert client.get(reverse("ingest:detail", args=[run.pk])).status_code == 403
    assert client.get(reverse("ingest:rejections", args=[run.pk])).status_code == 403


def test_a_template_downloads_for_an_indicator(client, safer_essex):
    Indicator.objects.create(slug="hate-incidents", title="Hate incidents", value_type="count")
    login(client, safer_essex, Role.CONTRIBUTOR)
    response = client.get(reverse("ingest:template", args=["hate-incidents", "csv"]), {"partnership": "safer-essex"})
    assert response.status_code == 200 and response.content.startswith(b"indicator,area_code,area_name,period")
    xlsx = client.get(reverse("ingest:template", args=["hate-incidents", "xlsx"]))
    assert xlsx.content[:2] == b"PK"


def test_the_import_list_has_a_bounded_number_of_queries(client, safer_essex, django_assert_max_num_queries):
    for i in range(5):
        Import.objects.create(source="returns", file_name=f"{i}.csv", sha256="0" * 64, partnership=safer_essex)
    login(client, safer_essex, Role.CONTRIBUTOR)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("ingest:list"))
    assert page.status_code == 200 and "4.csv" in page.content.decode()


def test_an_import_being_checked_shows_its_progress_and_refreshes(client, safer_essex):
    login(client, safer_essex, Role.CONTRIBUTOR)
    run = Import.objects.create(
        source="police-uk",
        file_name="2024-01-essex-street.csv",
        sha256="",
        partnership=safer_essex,
        progress_done=3,
        progress_total=4,
        progress_note="Reading 2024-01-essex-street.csv",
    )
    page = client.get(reverse("ingest:detail", args=[run.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Reading 2024-01-essex-street.csv — 75%" in page and "Checking" in page


def test_replacing_a_month_with_far_fewer_records_is_warned_before_confirming(client, force_partnership, store):
    login(client, force_partnership, Role.CONTRIBUTOR)
    whole = (STREET_HEADER + "\n" + "\n".join(street_row() for _ in range(10)) + "\n").encode()
    upload(client, force_partnership, "police-uk", "2024-01-essex-street.csv", whole)
    first = Import.objects.get()
    assert "far fewer records" not in client.get(reverse("ingest:detail", args=[first.pk])).content.decode()
    client.post(reverse("ingest:confirm", args=[first.pk]))
    partial = (STREET_HEADER + "\n" + "\n".join(street_row() for _ in range(3)) + "\n").encode()
    upload(client, force_partnership, "police-uk", "2024-01-essex-street-part.csv", partial)
    second = Import.objects.exclude(pk=first.pk).get()
    page = client.get(reverse("ingest:detail", args=[second.pk])).content.decode()
    assert "hold 10 records now; after confirming, 3" in page
    assert "far fewer records (3) than the months it replaces (10)" in page


def test_a_contributor_of_one_partnership_has_it_chosen_for_them(client, safer_essex):
    login(client, safer_essex, Role.CONTRIBUTOR)
    page = client.get(reverse("ingest:upload")).content.decode()
    assert f'<option value="{safer_essex.slug}" selected>' in page


def test_a_district_contributor_is_told_exactly_what_their_upload_would_replace(client, essex_partnerships, store):
    harlow = essex_partnerships["harlow-csp"]
    login(client, harlow, Role.CONTRIBUTOR)
    content = (STREET_HEADER + "\n" + street_row() + "\n").encode()
    upload(client, harlow, "police-uk", "2024-01-essex-street.csv", content)
    run = Import.objects.get()
    assert run.status == Import.Status.REJECTED and store.staged_tokens() == []
    page = client.get(reverse("ingest:detail", args=[run.pk])).content.decode()
    assert "Essex Police street records for 2024-01 would be replaced, and they cover 13 areas" in page
    assert store.manifest().partitions == {} and not IndicatorValue.objects.exists()


def test_an_import_whose_process_was_killed_while_checking_says_so_instead_of_checking_for_ever(
    client, safer_essex, store
):
    login(client, safer_essex, Role.CONTRIBUTOR)
    # a process that has ended: its id is no longer running
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True, text=True
    )
    run = Import.objects.create(
        source="returns",
        file_name="return.csv",
        sha256="0" * 64,
        partnership=safer_essex,
        progress_note="Reading return.csv",
        summary={"worker": {"host": socket.gethostname(), "pid": int(dead.stdout)}},
    )
    page = client.get(reverse("ingest:detail", args=[run.pk])).content.decode()
    run.refresh_from_db()
    assert run.status == Import.Status.FAILED
    assert "Stopped part-way while checking the files (the process ended); nothing was changed" in page
    assert ">Checking<" not in page and "Not imported" in page


def test_an_import_still_being_checked_by_a_live_process_is_left_alone(client, safer_essex, store):
    login(client, safer_essex, Role.CONTRIBUTOR)
    run = Import.objects.create(
        source="returns",
        file_name="return.csv",
        sha256="0" * 64,
        partnership=safer_essex,
        summary={"worker": {"host": socket.gethostname(), "pid": os.getpid()}},
    )
    assert "Checking" in client.get(reverse("ingest:detail", args=[run.pk])).content.decode()
    run.refresh_from_db()
    assert run.status == Import.Status.STAGED


def test_a_gzipped_police_uk_upload_is_checked_like_the_plain_file(client, force_partnership, store):
    """Issue 16: the upload page takes a .csv.gz as it comes from a download."""
    login(client, force_partnership, Role.CONTRIBUTOR)
    assert 'accept=".csv,.gz,.zip,.xlsx"' in client.get(reverse("ingest:upload")).content.decode()
    content = gzip.compress((STREET_HEADER + "\n" + street_row() + "\n").encode())
    upload(client, force_partnership, "police-uk", "2024-01-essex-street.csv.gz", content)
    run = Import.objects.get()
    assert run.summary["awaiting_confirmation"] and run.rows_accepted == 1
    assert store.staged_tokens() == [run.store_token]
