"""Signed-out readers' pages are kept whole until the data change (saferhub.web.public_cache, issue 22):
a member's page never reaches the cache, a cached public page never shows a small number, a write
empties it, and every response keeps its own CSP nonce."""

from __future__ import annotations

import gzip
import re

import pytest

from saferhub.core.disclosure import SMALL_TEXT
from saferhub.core.generations import installed_triggers
from saferhub.core.hub_generation import WATCHED_APPS, counter_of, watched_tables
from saferhub.framework.models import Indicator
from tests.integration.performance.test_suppression import district_with_small_latest, member_of, small_counts

pytestmark = pytest.mark.django_db
__all__ = ["small_counts"]  # the fixture, used by name

HIT = "X-Saferhub-Page-Cache"


def _nonces(html: str) -> set[str]:
    return set(re.findall(r'nonce="([^"]+)"', html))


@pytest.mark.parametrize("page", ["/performance/why/knife-crime/{code}/", "/indicators/knife-crime/?area={code}"])
def test_a_members_unsuppressed_page_is_never_served_to_a_signed_out_reader(client, small_counts, page):
    code, _, _ = district_with_small_latest(small_counts["values"])
    url = page.format(code=code)
    client.force_login(member_of(small_counts["owner"]))
    as_member = client.get(url)
    assert as_member.status_code == 200 and HIT not in as_member.headers
    assert SMALL_TEXT not in as_member.content.decode()  # the analyst sees the small counts
    client.logout()
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert HIT not in first.headers and second.headers[HIT] == "hit"
    for response in (first, second):
        assert SMALL_TEXT in response.content.decode()
    # and back as the member: their own page again, not the public copy
    client.force_login(member_of(small_counts["owner"]))
    again = client.get(url)
    assert HIT not in again.headers and SMALL_TEXT not in again.content.decode()


def test_a_write_to_what_the_page_shows_empties_the_cached_page(client, small_counts):
    code, _, _ = district_with_small_latest(small_counts["values"])
    url = f"/indicators/knife-crime/?area={code}"
    assert client.get(url).status_code == 200
    assert client.get(url).headers[HIT] == "hit"
    Indicator.objects.filter(pk=small_counts["indicator"].pk).update(title="Knives carried")  # any writer
    fresh = client.get(url)
    assert HIT not in fresh.headers
    assert "Knives carried" in fresh.content.decode()


def test_each_cached_response_has_its_own_nonce_and_gzip_reads_the_same(client, small_counts):
    code, _, _ = district_with_small_latest(small_counts["values"])
    url = f"/performance/why/knife-crime/{code}/"
    first = client.get(url)
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert plain.headers[HIT] == packed.headers[HIT] == "hit"
    assert packed.headers["Content-Encoding"] == "gzip"
    unpacked = gzip.decompress(packed.content).decode()
    pages = [first.content.decode(), plain.content.decode(), unpacked]
    nonces = [_nonces(p) for p in pages]
    assert all(len(n) == 1 for n in nonces) and len(set.union(*nonces)) == 3
    for nonce, response in zip(nonces, [first, plain, packed], strict=True):
        assert f"'nonce-{next(iter(nonce))}'" in response.headers["Content-Security-Policy"]
    assert len({re.sub(r'nonce="[^"]+"', "", p) for p in pages}) == 1


def test_every_table_of_the_watched_parts_bumps_the_hub_counter():
    for label in WATCHED_APPS:
        assert installed_triggers(name=counter_of(label)) == set(watched_tables(label)), label
    assert "core_auditevent" not in watched_tables() and "core_changecounter" not in watched_tables()
