"""The service navigation: one entry per part of the hub, in the order users meet them.

Each part adds its entry here when it has a page; entries whose URL is not installed are hidden.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

NAVIGATION: list[tuple[str, str]] = [
    ("Home", "web:start"),
    ("Frameworks", "framework:list"),
    ("Indicators", "framework:indicators"),
    ("Actions", "delivery:action_list"),
    ("Risks", "risks:overview"),
    ("Money", "finance:overview"),
    ("Governance", "governance:index"),
    ("Scorecards", "performance:scorecards"),
    ("Areas", "performance:areas"),
    ("Maps", "performance:maps"),
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
