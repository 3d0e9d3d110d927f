"""A rendered page kept once and served to many readers, each with their own per-response values
(issue 22).

A kept page's body is the same for every reader of its cache key except for values made afresh for
each response: the CSP nonce and, for a signed-in reader, the masked CSRF token of the page's forms
(the sign-out button has one on every signed-in page). The stored copy is the body split at those
values; each response joins the parts with the reader's own values, so no reader is ever sent
another's token or nonce.

Compressing a large page costs more than reading it from the cache (about 6 ms for the 220 KB of an
indicator page), so the parts are compressed once too, as separate deflate blocks (``gzip_parts``);
a response's gzip stream is those blocks with each reader's value compressed in its own block
between them (``gzip_join``): one valid gzip member, and a per-response value shares no compression
context with the page, so the compressed size says nothing about it (BREACH).
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, no time, unknown OS
_FINAL_EMPTY_BLOCK = b"\x03\x00"


def _deflate_block(data: bytes) -> bytes:
    """``data`` as raw deflate blocks ending on a byte boundary, none of them final."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def gzip_parts(parts: Sequence[bytes]) -> list[tuple[bytes, bytes]]:
    """Each part with its deflate blocks, compressed once."""
    return [(part, _deflate_block(part)) for part in parts]


def gzip_join(parts: Sequence[tuple[bytes, bytes]], between: Sequence[bytes]) -> bytes:
    """One gzip stream of the parts with ``between[i]`` between part ``i`` and part ``i + 1`` (each
    compressed here in its own blocks: they are short)."""
    if len(between) != max(0, len(parts) - 1):
        raise ValueError(f"{len(parts)} parts need {max(0, len(parts) - 1)} values between them, not {len(between)}")
    crc, size, out = 0, 0, [_GZIP_HEADER]
    for i, (raw, deflated) in enumerate(parts):
        if i:
            value = between[i - 1]
            out.append(_deflate_block(value))
            crc, size = zlib.crc32(value, crc), size + len(value)
        out.append(deflated)
        crc, size = zlib.crc32(raw, crc), size + len(raw)
    out += [_FINAL_EMPTY_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
    return b"".join(out)


@dataclass(frozen=True)
class StoredPage:
    """A page's body split at its per-response values, each part also compressed."""

    content_type: str
    charset: str
    parts: list[tuple[bytes, bytes]]
    slots: tuple[str, ...]  # the name of the value that goes between part i and part i + 1

    @classmethod
    def of(cls, response: HttpResponse, values: Mapping[str, str]) -> StoredPage:
        """The response's body split wherever one of ``values`` (name → the value in this body) occurs."""
        charset = response.charset or "utf-8"
        encoded = {value.encode(charset): name for name, value in values.items() if value}
        body = bytes(response.content)
        if not encoded:
            return cls(response.get("Content-Type", ""), charset, gzip_parts([body]), ())
        pieces = re.split(b"(" + b"|".join(re.escape(v) for v in encoded) + b")", body)
        return cls(
            response.get("Content-Type", ""),
            charset,
            gzip_parts(pieces[0::2]),
            tuple(encoded[v] for v in pieces[1::2]),
        )

    def response(self, values: Mapping[str, str], *, accept_encoding: str) -> HttpResponse:
        """A response with this reader's ``values`` in their places, compressed if the reader accepts gzip."""
        between = [values[name].encode(self.charset) for name in self.slots]
        if ACCEPTS_GZIP.search(accept_encoding):
            response = HttpResponse(gzip_join(self.parts, between), content_type=self.content_type)
            response["Content-Encoding"] = "gzip"
        else:
            raw = [part for part, _ in self.parts]
            body = b"".join(p for pair in zip(raw, [*between, b""], strict=True) for p in pair)
            response = HttpResponse(body, content_type=self.content_type)
        patch_vary_headers(response, ("Accept-Encoding",))
        return response
