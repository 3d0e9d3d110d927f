"""Parts of pages kept in Django's cache until the data they show change (ADR 0004).

``cached(kind, parts, build)`` returns what ``build()`` returned for the same ``parts`` while none of
the named change counters (``saferhub.core.generations``) moved: one small query per counter. The
caller puts in ``parts`` everything the value depends on besides the counted tables — the day, the
reader's visibility class (public, sees small numbers, the partnerships they read) — never the
reader's name, so readers who see the same things share one copy and no reader is shown what
another may see.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django.core.cache import cache

from saferhub.core.generations import generations
from saferhub.core.hub_generation import HUB_COUNTERS
from saferhub.core.request_generations import request_generations

T = TypeVar("T")

CACHE_SECONDS = 6 * 60 * 60


def cache_key(kind: str, parts: Iterable[Any]) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"saferhub:page:{kind}:{digest}"


class _OneBuilder:
    """One build per key at a time in this process: the threads that miss the same key while it is
    being built wait for it, then read what it built. Without this, every thread of a worker that
    asked for the board pack just after a change laid the pack out again at the same time (about
    300 MB of WeasyPrint's working memory each), and the worker's memory grew with each change."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, list[int]]] = {}

    @contextlib.contextmanager
    def __call__(self, key: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.setdefault(key, (threading.Lock(), [0]))
            users[0] += 1
        try:
            with lock:
                yield
        finally:
            with self._guard:
                users[0] -= 1
                if users[0] == 0:
                    del self._locks[key]


_one_builder = _OneBuilder()


def cached(
    kind: str,
    parts: Iterable[Any],
    build: Callable[[], T],
    *,
    counters: Iterable[str] = HUB_COUNTERS,
    once_per_request: bool = False,
) -> T:
    """``build()``'s value for ``parts``, built once per change of the ``counters``.

    ``once_per_request``: the counters as this GET request first read them
    (``saferhub.core.request_generations``), for the small lookups a page makes before anything else
    (the reader's roles, the page's partnership), so that they share one read of the counters."""
    counters = list(counters)
    read = request_generations if once_per_request else generations
    key = cache_key(kind, [*parts, *counters, *read(counters)])
    value = cache.get(key)
    if value is None:
        with _one_builder(key):
            value = cache.get(key)  # built by another thread while this one waited
            if value is None:
                value = build()
                cache.set(key, value, CACHE_SECONDS)
    return value
