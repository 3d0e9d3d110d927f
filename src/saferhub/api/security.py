"""Who is asking, and how often they may ask.

A request without an ``Authorization`` header reads as whoever the session says (signed out: the
public), exactly as the pages would. A request with ``Authorization: Bearer <token>`` acts as the
token's user; a header with an unknown, revoked or malformed token is refused with 401 rather than
quietly read as the public, so that a partner notices. Rates are per token for token requests and
per client address for the rest (``SAFERHUB_API_RATE_PUBLIC``, ``SAFERHUB_API_RATE_TOKEN``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from saferhub.api.models import ApiToken
from saferhub.api.tokens import api_token_check


@dataclass(frozen=True)
class Reader:
    """The person a request acts as, and the token it came with (None: a session or the public)."""

    user: Any
    token: ApiToken | None = None


class TokenOrSession(HttpBearer):
    """Bearer tokens for partners; everyone else is read as their session (or the public)."""

    def __call__(self, request: HttpRequest) -> Reader:
        header = request.headers.get(self.header)
        if not header:
            return Reader(user=request.user)
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise AuthenticationError(message="Send the token as: Authorization: Bearer <token>")
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Reader:
        found = api_token_check(raw=token)
        if found is None:
            raise AuthenticationError(message="The token is not recognised or has been revoked")
        request.user = found.user
        return Reader(user=found.user, token=found)


def reader_of(request: HttpRequest) -> Reader:
    reader = getattr(request, "auth", None)
    return reader if isinstance(reader, Reader) else Reader(user=request.user)


class _Rate(SimpleRateThrottle):
    """The rate is read from settings on every request, so that it can be changed without a restart
    of the throttle (and in tests)."""

    setting = ""

    def __init__(self) -> None:
        super().__init__(rate=getattr(settings, self.setting))

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class PublicThrottle(_Rate):
    """Requests without a token, per client address (behind ``SAFERHUB_PROXY_COUNT`` proxies, the
    address they give in ``X-Forwarded-For``, as for sign-in throttling; with none, a client's own
    ``X-Forwarded-For`` is ignored, so it cannot pick a fresh address for each request)."""

    scope = "public"
    setting = "SAFERHUB_API_RATE_PUBLIC"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if reader_of(request).token is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(_Rate):
    """Requests with a token, per token."""

    scope = "token"
    setting = "SAFERHUB_API_RATE_TOKEN"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = reader_of(request).token
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
