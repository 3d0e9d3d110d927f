"""Form helpers for the money-monitoring and returns pages: turn a service's refusal into the
GOV.UK error summary and the messages beside each input, by the input each problem names.

Validation itself is in the services; these only place what they say.
"""

from __future__ import annotations

from datetime import date
from typing import Any


def read_date(text: object) -> date | None:
    """An ISO date (``2016-05-31``) from a query string, or None if it is not one."""
    try:
        return date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None


def values_posted(data: Any, prefix: str) -> dict[str, Any]:
    """Every ``<prefix><key>`` field of a POST, by key (``value-12`` → ``12``): all of them, so a
    service can refuse one that is not its own rather than have the page drop it quietly."""
    return {k[len(prefix) :]: data.get(k) for k in data if k.startswith(prefix)}
