"""The service navigation: one entry per part of the hub, in the order users meet them.

Each part adds its entry here when it has a page; entries whose URL is not installed are hidden.
"""

from __future__ import annotations

import functools

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

NAVIGATION: list[tuple[str, str]] = [
    # What a board member opens weekly first; the service name in the header is the way home.
    ("Scorecards", "performance:scorecards"),
    ("Frameworks", "framework:list"),
    ("Indicators", "framework:indicators"),
    ("Areas", "performance:areas"),
    ("Assessment", "assessment:index"),
    ("Actions", "delivery:action_list"),
    ("Risks", "risks:overview"),
    ("Money", "finance:overview"),
    ("Governance", "governance:index"),
    ("Imports", "ingest:list"),
    ("Sharing", "sharing:agreement_list"),
]


@functools.lru_cache(maxsize=8)
def _entries(urlconf: str | None, prefix: str) -> tuple[tuple[str, str], ...]:
    """(label, href) of each installed part, reversed once per URL configuration and script prefix
    (every page needs them; ``prefix`` is part of the key because ``reverse`` includes it)."""
    entries = []
    for label, name in NAVIGATION:
        try:
            entries.append((label, reverse(name, urlconf=urlconf)))
        except NoReverseMatch:
            continue
    return tuple(entries)


def navigation_items(current_path: str) -> list[dict[str, object]]:
    items = []
    for label, href in _entries(get_urlconf(), get_script_prefix()):
        active = current_path == href if href == "/" else current_path.startswith(href)
        items.append({"label": label, "href": href, "active": active})
    return items
