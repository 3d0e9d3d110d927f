"""The indicator page: the one page composed from every part of the hub.

The framework gives the indicator, its values, targets and story; delivery its actions; risks and
finance (for partnership members) the risks and spending that serve it; performance how it is doing.
It lives in ``web``, the top layer, so that none of those apps imports another's selectors.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from saferhub.accounts.access import access_partnerships, access_public_read
from saferhub.delivery.selectors import actions_for_indicator
from saferhub.finance.selectors import spending_for_indicator
from saferhub.framework import selectors
from saferhub.framework.models import Indicator
from saferhub.framework.views import indicator_or_refuse
from saferhub.performance.fragments import indicator_performance_context
from saferhub.risks.selectors import risks_for_indicator


def indicator_detail(request: HttpRequest, slug: str) -> HttpResponse:
    indicator = indicator_or_refuse(request, slug)
    if isinstance(indicator, HttpResponse):
        return indicator
    context = selectors.indicator_page_context(request.user, indicator, area_code=request.GET.get("area"))
    context.update(_indicator_links(request, indicator))
    context.update(
        indicator_performance_context(
            indicator=indicator, area=context["area"], today=timezone.localdate(), public=context["public_figures"]
        )
    )
    context["performance_template"] = "performance/indicator_performance.html"
    return render(request, "framework/indicator_detail.html", context)


def _indicator_links(request: HttpRequest, indicator: Indicator) -> dict[str, object]:
    """Actions (with overdue marked) for everyone; for partnership members, the risks and spending
    that serve this indicator in the partnerships they belong to."""
    # The page lists actions, not each action's other indicators: no prefetch of those.
    actions = (
        actions_for_indicator(indicator=indicator)
        .select_related("plan", "lead_organisation", "theme")
        .prefetch_related(None)
    )
    # A private partnership's actions are for its members (the plan's partnership decides).
    links: dict[str, object] = {
        "actions": [
            a
            for a in actions.select_related("plan__partnership").order_by("plan__title", "order", "reference")
            if access_public_read(request.user, a.plan.partnership)
        ]
    }
    if request.user.is_authenticated:
        mine = access_partnerships(request.user)
        links["risks"] = list(risks_for_indicator(indicator=indicator, partnerships=mine))
        links["spending"] = spending_for_indicator(indicator=indicator, partnerships=mine)
    return links
