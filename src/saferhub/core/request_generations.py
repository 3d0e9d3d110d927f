"""The change counters read once per page request (issue 22).

A signed-in member's kept page asks the counters several times: for the reader's roles, for the
page's partnership or meeting, and for the kept page itself. Each ask was a query. During a GET or
HEAD request, ``request_generations`` reads every hub counter in one query the first time it is
asked and answers later asks from that read.

This is safe for reads because the counters are read before any data: what is kept under counters
read at the start of a request is the data as it stood then or later, never older. A kept value can
be newer than its key says, which only costs a fresh render for the next reader. Requests that
write (POST and the rest) read the counters afresh at every ask, as ``generations`` does, so a
write in the request is never answered from a value kept before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from saferhub.core.generations import generations
from saferhub.core.hub_generation import HUB_COUNTERS, SESSIONS_COUNTER

_READ: ContextVar[dict[str, int] | None] = ContextVar("saferhub_request_generations", default=None)
_READS_ONLY = frozenset({"GET", "HEAD"})
_EVERY = (*HUB_COUNTERS, SESSIONS_COUNTER)  # read together at the first ask


def request_generations(names: Iterable[str]) -> tuple[int, ...]:
    """The counters' values as this GET request first read them (one query for every hub counter,
    the sessions counter and the names asked); outside a GET request, read now (``generations``)."""
    names = list(names)
    read = _READ.get()
    if read is None:
        return generations(names)
    missing = [n for n in names if n not in read]
    if missing:
        wanted = list(dict.fromkeys([*missing, *(c for c in _EVERY if c not in read)]))
        read.update(zip(wanted, generations(wanted), strict=True))
    return tuple(read[n] for n in names)


class RequestGenerationsMiddleware:
    """Opens the per-request read of the counters for GET and HEAD requests and closes it after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in _READS_ONLY:
            return self.get_response(request)
        opened = _READ.set({})
        try:
            return self.get_response(request)
        finally:
            _READ.reset(opened)
