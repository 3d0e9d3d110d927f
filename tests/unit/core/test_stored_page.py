"""A stored page's compressed parts joined with a reader's own values are one gzip stream that any
gzip reader reads as the page with those values (saferhub.core.stored_page)."""

from __future__ import annotations

import gzip
import zlib

import pytest
from django.http import HttpResponse

from saferhub.core.stored_page import StoredPage, gzip_join, gzip_parts

NONCE, TOKEN = "Zm9vYmFyYmF6cXV4cXV1eA==", "t0KeN" * 12


def _page(nonce: str, token: str) -> bytes:
    return (
        f'<html><script nonce="{nonce}">a()</script><form><input name="csrfmiddlewaretoken" value="{token}"></form>'
        + "<p>row</p>" * 5000
        + f'<form><input name="csrfmiddlewaretoken" value="{token}"></form><script nonce="{nonce}">b()</script></html>'
    ).encode()


def test_the_joined_stream_is_the_page_with_the_readers_nonce():
    page = b'<html><script nonce="N">a()</script>' + b"<p>row</p>" * 5000 + b'<script nonce="N">b()</script></html>'
    parts = gzip_parts(page.split(b"N"))
    for nonce in (b"Zm9vYmFyYmF6cXV4cXV1eA==", b"another-nonce"):
        stream = gzip_join(parts, [nonce] * 2)
        assert gzip.decompress(stream) == page.replace(b"N", nonce)
        assert zlib.decompress(stream, wbits=31) == page.replace(b"N", nonce)  # zlib's own gzip reader
        assert len(stream) < len(page) / 10


def test_a_page_without_a_nonce_is_one_part():
    page = b"<p>no scripts</p>" * 100
    assert gzip.decompress(gzip_join(gzip_parts([page]), [])) == page


def test_each_value_must_have_its_place():
    with pytest.raises(ValueError, match="3 parts need 2 values between them, not 1"):
        gzip_join(gzip_parts([b"a", b"b", b"c"]), [b"x"])


def test_a_stored_page_puts_each_readers_nonce_and_token_in_their_places():
    stored = StoredPage.of(HttpResponse(_page(NONCE, TOKEN)), {"nonce": NONCE, "csrf": TOKEN})
    assert stored.slots == ("nonce", "csrf", "csrf", "nonce")
    assert not any(NONCE.encode() in raw or TOKEN.encode() in raw for raw, _ in stored.parts)
    mine = {"nonce": "bXktbm9uY2U=", "csrf": "M" * 64}
    packed = stored.response(mine, accept_encoding="gzip, deflate, br")
    plain = stored.response(mine, accept_encoding="")
    assert packed["Content-Encoding"] == "gzip" and not plain.has_header("Content-Encoding")
    assert gzip.decompress(packed.content) == plain.content == _page(mine["nonce"], mine["csrf"])
    assert packed["Vary"] == plain["Vary"] == "Accept-Encoding"


def test_a_page_without_per_response_values_is_kept_whole():
    stored = StoredPage.of(HttpResponse(b"<p>plain</p>"), {})
    assert stored.slots == () and stored.response({}, accept_encoding="").content == b"<p>plain</p>"
