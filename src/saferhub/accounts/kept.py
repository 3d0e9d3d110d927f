"""What a signed-in reader's every request looks up — the session and the user — kept in each web
process until it changes (issue 22).

A kept member's page was otherwise two queries of the reader's own before anything else: the
session row and the user row. Both are now kept in the process under the change counter of their
table, read with the page's other counters in the one query a GET request makes
(``saferhub.core.request_generations``):

- the session's stored (signed, encoded) data and expiry, under the sessions counter: a database
  trigger on the session table bumps it at every sign-in, sign-out, session save and clean-up, in
  any process, so a session ended anywhere is refused at the next request everywhere; an expired
  session is refused by its kept expiry;
- the user, under the accounts counter: a changed password, a deactivation or any change to the
  user or their roles bumps it, so the next request verifies the session against the user as
  stored. Each request gets its own copy of the kept user.

Kept in this process's memory only (not the shared cache): nothing more is held than the process
held while serving the request, and nothing crosses to another machine.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Hashable
from typing import Any

from saferhub.core.hub_generation import SESSIONS_COUNTER, counter_of
from saferhub.core.request_generations import request_generations

ACCOUNTS = counter_of("accounts")
_LIMIT = 10_000


class _Kept:
    """A bounded table of kept values (emptied whole when full: it refills from the database)."""

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        return self._values.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            if len(self._values) >= _LIMIT:
                self._values.clear()
            self._values[key] = value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


sessions = _Kept()
users = _Kept()


def kept_session_key(session_key: str) -> tuple[str, int]:
    (generation,) = request_generations([SESSIONS_COUNTER])
    return (session_key, generation)


def kept_user(user_id: Any, load: Any) -> Any:
    """The user ``load()`` returns (None: not kept), a fresh copy per request."""
    (generation,) = request_generations([ACCOUNTS])
    key = (str(user_id), generation)
    found = users.get(key)
    if found is None:
        found = load()
        if found is None:
            return None
        users.put(key, found)
    return copy.copy(found)
