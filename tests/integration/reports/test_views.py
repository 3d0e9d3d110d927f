"""Who may read, download and publish a pack: the partnership's members read the live pack, its
administrators publish, and anyone may read a pack the partnership published when it publishes its
figures (signed out too), never with a small count."""

from __future__ import annotations

import gzip
import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from saferhub.accounts.models import Role
from saferhub.core.disclosure import is_small
from saferhub.core.member_page import HIT, HIT_HEADER
from saferhub.reports.models import PublishedPack
from saferhub.reports.services import pack_publish
from tests.factories import PartnershipFactory, PartnershipRoleFactory, sign_in

pytestmark = pytest.mark.django_db


def member(partnership, role: Role, name: str):
    return PartnershipRoleFactory(partnership=partnership, role=role, user__username=name).user


def test_the_meeting_page_links_to_the_pack(client, pack_world):
    member(pack_world["partnership"], Role.VIEWER, "reader")
    assert sign_in(client, "reader")
    page = client.get(reverse("governance:meeting", args=[pack_world["meeting"].pk]))
    assert reverse("reports:pack", args=[pack_world["meeting"].pk]) in page.content.decode()


def test_an_administrator_publishes_and_the_public_reads_it_without_small_counts(client, pack_world):
    meeting = pack_world["meeting"]
    member(pack_world["partnership"], Role.ADMINISTRATOR, "secretary")
    assert sign_in(client, "secretary")
    live = client.get(reverse("reports:pack", args=[meeting.pk]))
    assert live.status_code == 200 and "Publish the pack" in live.content.decode()
    assert client.get(reverse("reports:pack_pdf", args=[meeting.pk])).content.startswith(b"%PDF")
    assert client.get(reverse("reports:publish", args=[meeting.pk])).status_code == 200
    response = client.post(reverse("reports:publish", args=[meeting.pk]))
    published = PublishedPack.objects.get(meeting=meeting)
    assert response.status_code == 302 and response["Location"] == reverse("reports:published", args=[published.pk])

    client.logout()
    page = client.get(reverse("reports:published", args=[published.pk]))
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    [cell] = soup.select('tr[data-indicator="knife-crime"] .pack-value')
    text = cell.get_text(" ", strip=True)
    assert "fewer than 5" in text
    numbers = [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*\.?\d*", text.replace("fewer than 5", ""))]
    assert not any(is_small(n) for n in numbers), text  # the period is words; no count of 1 to 4 anywhere
    pdf = client.get(reverse("reports:published_pdf", args=[published.pk]))
    assert pdf.status_code == 200 and pdf.content == bytes(published.pdf)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR, Role.ANALYST])
def test_a_lower_role_cannot_publish(client, pack_world, role):
    member(pack_world["partnership"], role, "member")
    assert sign_in(client, "member")
    assert client.get(reverse("reports:pack", args=[pack_world["meeting"].pk])).status_code == 200
    assert client.post(reverse("reports:publish", args=[pack_world["meeting"].pk])).status_code == 403
    assert not PublishedPack.objects.exists()


def test_another_partnerships_administrator_cannot_read_or_publish(client, pack_world):
    member(PartnershipFactory(slug="elsewhere"), Role.ADMINISTRATOR, "outsider")
    assert sign_in(client, "outsider")
    meeting = pack_world["meeting"]
    assert client.get(reverse("reports:pack", args=[meeting.pk])).status_code == 403
    assert client.post(reverse("reports:publish", args=[meeting.pk])).status_code == 403
    assert not PublishedPack.objects.exists()


def test_signed_out_visitors_cannot_publish(client, pack_world):
    response = client.post(reverse("reports:publish", args=[pack_world["meeting"].pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not PublishedPack.objects.exists()


def test_a_private_partnerships_published_pack_is_for_its_members(client, pack_world):
    partnership = pack_world["partnership"]
    published = pack_publish(meeting=pack_world["meeting"], actor=None, base_url="http://testserver/")
    partnership.publishes_performance = False
    partnership.save(update_fields=["publishes_performance"])
    url = reverse("reports:published", args=[published.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    member(PartnershipFactory(slug="elsewhere"), Role.ADMINISTRATOR, "outsider")
    assert sign_in(client, "outsider")
    assert client.get(url).status_code == 403
    client.logout()
    member(partnership, Role.VIEWER, "reader")
    assert sign_in(client, "reader")
    assert client.get(url).status_code == 200


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_the_live_pack_page_is_kept_per_role_with_each_readers_own_token(pack_world):
    """The page is rendered once per change of the data for each partnership and role
    (saferhub.core.member_page): a second administrator reads the kept page with their own token, a
    viewer never gets the publish button, another partnership's member is refused, and publishing
    (a write) empties it."""
    meeting = pack_world["meeting"]
    url = reverse("reports:pack", args=[meeting.pk])
    # Every reader signs in first, as a reader would.
    first, second, viewer, outsider = (Client(enforce_csrf_checks=True) for _ in range(4))
    first.force_login(member(pack_world["partnership"], Role.ADMINISTRATOR, "secretary"))
    second.force_login(member(pack_world["partnership"], Role.ADMINISTRATOR, "chair"))
    viewer.force_login(member(pack_world["partnership"], Role.VIEWER, "reader"))
    outsider.force_login(member(PartnershipFactory(slug="elsewhere"), Role.ADMINISTRATOR, "outsider"))
    page = first.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and HIT_HEADER not in page.headers
    html = gzip.decompress(page.content).decode()
    assert "Publish the pack" in html and len(_tokens(html)) == 1

    kept = second.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert kept.headers[HIT_HEADER] == HIT and kept.headers["Content-Encoding"] == "gzip"
    kept_html = gzip.decompress(kept.content).decode()
    assert "Publish the pack" in kept_html and len(_tokens(kept_html)) == 1
    assert _tokens(kept_html).isdisjoint(_tokens(html))
    stolen = second.post(reverse("reports:publish", args=[meeting.pk]), {"csrfmiddlewaretoken": _tokens(html).pop()})
    assert stolen.status_code == 403 and not PublishedPack.objects.exists()

    seen = viewer.get(url).content.decode()
    assert "Publish the pack" not in seen and _tokens(seen).isdisjoint(_tokens(html) | _tokens(kept_html))

    refused = outsider.get(url)
    assert refused.status_code == 403 and HIT_HEADER not in refused.headers
    assert Client().get(url).status_code == 302  # signed out: sign in

    published = second.post(
        reverse("reports:publish", args=[meeting.pk]), {"csrfmiddlewaretoken": _tokens(kept_html).pop()}
    )
    assert published.status_code == 302 and PublishedPack.objects.count() == 1
    fresh = first.get(url)  # (the publisher has a message waiting: their page is never a kept one)
    assert HIT_HEADER not in fresh.headers and "Version 1" in fresh.content.decode()
