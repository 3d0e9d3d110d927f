"""The stored page's compressed parts joined with a reader's nonce are one gzip stream that any gzip
reader reads as the page with that nonce (saferhub.web.public_cache)."""

from __future__ import annotations

import gzip
import zlib

from saferhub.web.public_cache import gzip_join, gzip_parts


def test_the_joined_stream_is_the_page_with_the_readers_nonce():
    page = b'<html><script nonce="N">a()</script>' + b"<p>row</p>" * 5000 + b'<script nonce="N">b()</script></html>'
    parts = gzip_parts(page.split(b"N"))
    for nonce in (b"Zm9vYmFyYmF6cXV4cXV1eA==", b"another-nonce"):
        stream = gzip_join(parts, nonce)
        assert gzip.decompress(stream) == page.replace(b"N", nonce)
        assert zlib.decompress(stream, wbits=31) == page.replace(b"N", nonce)  # zlib's own gzip reader
        assert len(stream) < len(page) / 10


def test_a_page_without_a_nonce_is_one_part():
    page = b"<p>no scripts</p>" * 100
    assert gzip.decompress(gzip_join(gzip_parts([page]), b"unused")) == page
