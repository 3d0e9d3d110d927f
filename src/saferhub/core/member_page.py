"""Signed-in members' pages rendered once per change of the data and shared by the members who may
see the same things (issue 22).

A member's page depends on its address, the day, the data and what the reader may see and do there:
the partnership and the reader's role in it (``audience``, given by the view after it has checked
access and written any read audit, which happen on every request). Members with the same audience
read the same page, except for the values made afresh for each response: the CSP nonce and the
masked CSRF token of the page's forms (the sign-out button is a form on every signed-in page). So
``member_page`` keeps the body split at those two values (``saferhub.core.stored_page``) under a key
of the address, the day, the audience and the hub's change counters, and puts each reader's own
nonce and token back in each response. A write to any watched table moves a counter, so the next
reader gets a fresh render; a different partnership or role is a different key.

The view renders its template with the token it is given as ``csrf_token`` (every ``{% csrf_token
%}`` of the page, the sign-out form's included, then carries it). A body with any other CSRF token
is never kept. Never kept either: anything but a GET answered 200 as HTML, a page with messages to
show, a response that set a cookie.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from saferhub.core.hub_generation import HUB_COUNTERS
from saferhub.core.page_cache import CACHE_SECONDS, cache_key
from saferhub.core.request_generations import request_generations
from saferhub.core.stored_page import StoredPage

HIT_HEADER = "X-Saferhub-Page-Cache"
HIT = "member-hit"
_CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]*)"')


def _keepable(response: HttpResponse, token: str) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").startswith("text/html")
        and not response.cookies
        and all(found == token.encode() for found in _CSRF_VALUE.findall(response.content))
    )


def member_page(
    request: HttpRequest,
    *,
    audience: Iterable[Any],
    build: Callable[[str], HttpResponse],
    counters: Iterable[str] = HUB_COUNTERS,
) -> HttpResponse:
    """The page ``build(csrf_token)`` renders, kept for readers with the same ``audience`` until a
    ``counters`` moves or the day turns; every response carries its reader's own nonce and token."""
    token = get_token(request)  # this reader's token, masked afresh (and the CSRF cookie kept fresh)
    values = {"nonce": str(request.csp_nonce), "csrf": token}  # type: ignore[attr-defined]
    if request.method != "GET" or len(get_messages(request)) > 0:
        return build(token)
    counters = list(counters)
    key = cache_key(
        "member-page",
        [request.build_absolute_uri(), timezone.localdate(), *audience, *counters, *request_generations(counters)],
    )
    stored = cache.get(key)
    if stored is not None:
        response = stored.response(values, accept_encoding=request.headers.get("Accept-Encoding", ""))
        response[HIT_HEADER] = HIT
        return response
    response = build(token)
    if _keepable(response, token):
        cache.set(key, StoredPage.of(response, values), CACHE_SECONDS)
    return response
