"""Pages are compressed for clients that accept gzip (issue 22), and only for them."""

from __future__ import annotations

import gzip

import pytest

pytestmark = pytest.mark.django_db


def test_a_page_is_gzipped_when_asked_and_reads_the_same(client):
    plain = client.get("/glossary")
    packed = client.get("/glossary", HTTP_ACCEPT_ENCODING="gzip")
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    page = gzip.decompress(packed.content)  # the same page (its nonces differ from one response to the next)
    assert page.startswith(b"<!DOCTYPE html") and b"Glossary" in page
    assert abs(len(page) - len(plain.content)) < 100
    assert len(packed.content) < len(plain.content) / 2
