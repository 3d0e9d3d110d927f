"""The hub's session engine (``SESSION_ENGINE``): Django's database sessions, with each session's
stored data kept in the process until the session table changes (``saferhub.accounts.kept``)."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.utils import timezone

from saferhub.accounts.kept import kept_session_key, sessions


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        if not self.session_key:
            return super().load()
        key = kept_session_key(self.session_key)
        found = sessions.get(key)
        if found is not None and found[0] > timezone.now():
            return self.decode(found[1])
        stored = self._get_session_from_db()  # type: ignore[attr-defined]  # Django's, not in the stubs
        if stored is None:
            return {}
        sessions.put(key, (stored.expire_date, stored.session_data))
        return self.decode(stored.session_data)
