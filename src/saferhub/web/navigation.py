"""The service navigation: one entry per part of the hub, in the order users meet them.

Each part adds its entry here when it has a page; entries whose URL is not installed are hidden.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

NAVIGATION: list[tuple[str, str]] = [
    # What a board member opens weekly first; the service name in the header is the way home.
    ("Scorecards", "performance:scorecards"),
    ("Frameworks", "framework:list"),
    ("Indicators", "framework:indicators"),
    ("Areas", "performance:areas"),
    ("Actions", "delivery:action_list"),
    ("Risks", "risks:overview"),
    ("Money", "finance:overview"),
    ("Governance", "governance:index"),
    ("Imports", "ingest:list"),
]


def navigation_items(current_path: str) -> list[dict[str, object]]:
    items = []
    for label, name in NAVIGATION:
        try:
            href = reverse(name)
        except NoReverseMatch:
            continue
        active = current_path == href if href == "/" else current_path.startswith(href)
        items.append({"label": label, "href": href, "active": active})
    return items
