"""Public pages rendered once per change of the data, for readers who are not signed in (issue 22).

A signed-out reader's page depends only on its address, the day and the data: every signed-out
reader reads figures as the public (small numbers suppressed) and nothing on the page is theirs. So
``PublicPageCacheMiddleware`` keeps the rendered page of the views in ``CACHED_VIEWS`` in Django's
cache under a key of the address (path and query), the host, the day, the hub's change counters
(``saferhub.core.hub_generation``, ``saferhub.performance``) and the record store's stamp. A write
to any table those pages show bumps a counter, so the next reader gets a fresh render.

Never cached: a signed-in reader's page (members may see small numbers, private partnerships and
edit links; the priority matrix and the board pack are kept per partnership and role by
``saferhub.core.member_page``, other pages' expensive parts by what the reader may see), anything but
a GET answered 200 as HTML, a page with messages to show, one that set a cookie or used the CSRF
token (a form that posts), and one that changed the session. The page's CSP nonce is taken out of
the stored copy and each reader's own nonce put back, so every response keeps its own nonce.

The stored copy is also compressed once (``saferhub.core.stored_page``): the parts between the nonces
as separate deflate blocks, joined for each response with the reader's nonce in its own block.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from saferhub.core.errors import SaferhubError
from saferhub.core.generations import generations
from saferhub.core.hub_generation import HUB_COUNTERS
from saferhub.core.stored_page import StoredPage
from saferhub.incidents.configured import record_store
from saferhub.performance.models import GENERATION as PERFORMANCE

# URL names (``namespace:name``) of the public pages kept whole for signed-out readers.
CACHED_VIEWS = frozenset(
    {
        "web:start",
        "web:indicator",
        "performance:scorecards",
        "performance:scorecard",
        "performance:indicator",
        "performance:why",
        "performance:areas",
        "performance:area",
        "performance:maps",
        "governance:meeting",
        "assessment:county_priorities",
    }
)
CACHE_SECONDS = 6 * 60 * 60


def _record_store_stamp() -> str:
    try:
        return record_store().stamp()
    except (SaferhubError, OSError):  # no store (or an unreadable one): no records
        return ""


def page_key(request: HttpRequest) -> str:
    parts = (
        request.get_host(),
        request.get_full_path(),
        timezone.localdate(),
        *generations([*HUB_COUNTERS, PERFORMANCE]),
        _record_store_stamp(),
    )
    return "saferhub:public-page:v2:" + hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()


def _eligible(request: HttpRequest) -> bool:
    match = request.resolver_match
    return (
        request.method == "GET"
        and match is not None
        and match.view_name in CACHED_VIEWS
        and not request.user.is_authenticated
        and len(get_messages(request)) == 0
    )


class PublicPageCacheMiddleware:
    """Serves and stores signed-out readers' copies of ``CACHED_VIEWS`` (after the authentication
    and messages middleware, so both are known)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_public_page_key", None)
        if key is not None:
            self._store(request, response, key)
        return response

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if not _eligible(request):
            return None
        key = page_key(request)
        stored = cache.get(key)
        if stored is None:
            request._public_page_key = key  # type: ignore[attr-defined]  # stored on the way out
            return None
        nonce = str(request.csp_nonce)  # type: ignore[attr-defined]
        response = stored.response({"nonce": nonce}, accept_encoding=request.headers.get("Accept-Encoding", ""))
        response["X-Saferhub-Page-Cache"] = "hit"
        return response

    @staticmethod
    def _store(request: HttpRequest, response: HttpResponse, key: str) -> None:
        content_type = response.get("Content-Type", "")
        if (
            response.status_code != 200
            or response.streaming
            or not content_type.startswith("text/html")
            or response.cookies
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            or getattr(getattr(request, "session", None), "modified", False)
        ):
            return
        nonce = getattr(request, "_csp_nonce", None)
        stored = StoredPage.of(response, {"nonce": nonce} if isinstance(nonce, str) else {})
        cache.set(key, stored, CACHE_SECONDS)
