"""Cached page sections: the scorecard's body and an indicator's performance section, rendered once
per change and day and kept in Django's cache (ADR 0004).

A section's key holds the ``performance`` change counter (``saferhub.core.generations``), which a
database trigger bumps on every write to the tables a section shows, the day (freshness depends on
it) and whether the reader sees suppressed figures. A cached section costs two small queries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from saferhub.core.generations import generation
from saferhub.framework.models import Framework, Indicator
from saferhub.geography.models import Area
from saferhub.performance.models import GENERATION
from saferhub.performance.pages.indicator import indicator_performance_data
from saferhub.performance.pages.scorecard import scorecard_context

FRAGMENT_CACHE_SECONDS = 6 * 60 * 60


def cache_key(kind: str, parts: Iterable[Any]) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"saferhub:performance:{kind}:{digest}"


def scorecard_section(
    *,
    framework: Framework,
    code: str,
    theme: str,
    lead: str,
    query: str,
    today: dt.date,
    public: bool = False,
    leave_out: frozenset[int] = frozenset(),
    status: str = "",
    benchmark: str = "",
    sort: str = "",
) -> SafeString:
    """The scorecard's summary, filters and table as HTML, rendered once per change and day."""
    parts = (
        framework.pk,
        code,
        theme,
        lead,
        status,
        benchmark,
        sort,
        query,
        today,
        public,
        sorted(leave_out),
        generation(GENERATION),
    )
    key = cache_key("scorecard", parts)
    html = cache.get(key)
    if html is None:
        context = scorecard_context(
            framework=framework,
            code=code,
            theme=theme,
            lead=lead,
            query=query,
            today=today,
            public=public,
            leave_out=leave_out,
            status=status,
            benchmark=benchmark,
            sort=sort,
        )
        html = render_to_string("performance/_scorecard_body.html", context)
        cache.set(key, html, FRAGMENT_CACHE_SECONDS)
    return mark_safe(html)


def indicator_performance_context(
    *, indicator: Indicator, area: Area | None, today: dt.date, public: bool = False, public_rows: bool | None = None
) -> dict[str, Any]:
    """The context the ``performance/indicator_performance.html`` include needs: ``performance.html``
    is the rendered section (headline figures and statuses with their reasons, the turn-the-curve and
    SPC charts, districts compared as bars and a funnel, the district map and the data table).

    ``area`` None picks the indicator's first area (county or force area first). ``public``: small
    numbers suppressed (``saferhub.core.disclosure``). ``performance.answer`` is the answer to "better
    or worse, getting better or worse?" that the page shows first, under its heading."""
    key = cache_key(
        "indicator-and-answer",
        (indicator.pk, area.pk if area else "", today, public, public_rows, generation(GENERATION)),
    )
    cached = cache.get(key)
    if cached is None:
        data = indicator_performance_data(
            indicator=indicator, area=area, today=today, public=public, public_rows=public_rows
        )
        cached = {
            "html": render_to_string("performance/_indicator_performance_body.html", data),
            "answer": render_to_string("performance/_answer.html", data),
        }
        cache.set(key, cached, FRAGMENT_CACHE_SECONDS)
    return {"performance": {"html": mark_safe(cached["html"]), "answer": mark_safe(cached["answer"])}}
