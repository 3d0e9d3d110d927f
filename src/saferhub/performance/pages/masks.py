"""What a page masks for a reader outside the owning partnership: the stored decisions of
``saferhub.core.disclosure`` (small counts and the figures that would give them away) applied to a
stored summary's detail. Readers inside see the detail whole."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from saferhub.core import disclosure
from saferhub.core.suppressions import FigureKey
from saferhub.framework.models import Indicator


def periods_hidden(hidden: Iterable[FigureKey], *, slug: str, code: str) -> set[str]:
    return {p for m, a, p, b in hidden if m == slug and a == code and not b}


def areas_hidden(hidden: Iterable[FigureKey], *, slug: str, period: str) -> set[str]:
    return {a for m, a, p, b in hidden if m == slug and p == period and not b}


def reader_detail(
    detail: dict[str, Any], *, indicator: Indicator, code: str, hidden: set[FigureKey], public: bool
) -> dict[str, Any]:
    """The summary's detail as this reader may see it: whole for a member, else with every hidden
    figure of the series, the districts and the benchmarks masked, and what is made from them
    withheld (``disclosure.public_detail``)."""
    if not public or not detail:
        return detail
    latest = (detail.get("latest") or {}).get("period", "")
    district_period = (detail.get("districts") or {}).get("period", latest)
    hidden_then = areas_hidden(hidden, slug=indicator.slug, period=latest)
    benchmarks = {f"area:{a}" for a in hidden_then}
    if hidden_then:  # a comparator group's pooled value may rest on a hidden member's figure
        benchmarks |= {
            str(c.get("key")) for c in detail.get("comparisons") or [] if str(c.get("key")).startswith("group:")
        }
    return disclosure.public_detail(
        detail,
        count=indicator.value_type == "count",
        hidden_periods=periods_hidden(hidden, slug=indicator.slug, code=code),
        hidden_areas=areas_hidden(hidden, slug=indicator.slug, period=district_period),
        hidden_benchmarks=benchmarks,
    )


def reader_districts(
    districts: dict[str, Any], *, indicator: Indicator, hidden: set[FigureKey], public: bool
) -> dict[str, Any]:
    """A county's or force area's districts as this reader may see them."""
    if not public:
        return districts
    masked = disclosure.public_detail(
        {"districts": districts},
        count=indicator.value_type == "count",
        hidden_areas=areas_hidden(hidden, slug=indicator.slug, period=districts.get("period", "")),
    )
    return dict(masked["districts"])
