"""The indicators a partnership agreed to monitor, linked to the framework's catalogue."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from saferhub.accounts.models import Partnership
from saferhub.framework.models import Indicator, IndicatorMembership
from saferhub.governance.models import MonitoredIndicator

_NI_REF = re.compile(r"\bNI\s*(\d{1,3})\b", re.IGNORECASE)


def national_indicator_ref(reference: str) -> str:
    """'NI 18; LAA 2' → 'NI 18'; '' when the reference names no national indicator."""
    match = _NI_REF.search(reference or "")
    return f"NI {int(match.group(1))}" if match else ""


@dataclass
class LinkReport:
    linked: int = 0
    unlinked: list[str] = field(default_factory=list)


def _wording(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()


def monitored_indicators_link(*, partnership: Partnership | None = None) -> LinkReport:
    """Link monitored indicators to the framework's indicator catalogue: first by national
    indicator reference (e.g. NI 17), otherwise by the same wording in one of the partnership's own
    frameworks (its ``title_in_plan``, or the indicator's title). Missing catalogue entries are
    reported, never an error."""
    rows = list(MonitoredIndicator.objects.all() if partnership is None else partnership.monitored_indicators.all())
    by_ref: dict[str, Indicator] = {}
    for indicator in Indicator.objects.exclude(national_indicator_ref="").order_by("pk"):
        by_ref.setdefault(national_indicator_ref(indicator.national_indicator_ref), indicator)
    by_wording: dict[tuple[int, str], Indicator] = {}
    memberships = IndicatorMembership.objects.filter(
        framework__owner_id__in={row.partnership_id for row in rows}
    ).select_related("indicator", "framework")
    for membership in memberships.order_by("pk"):
        for wording in (membership.title_in_plan, membership.indicator.title):
            if wording and membership.framework.owner_id is not None:
                by_wording.setdefault((membership.framework.owner_id, _wording(wording)), membership.indicator)
    report = LinkReport()
    now = timezone.now()
    changed: list[MonitoredIndicator] = []
    for row in rows:
        target = by_ref.get(row.national_indicator_ref) if row.national_indicator_ref else None
        target = target or by_wording.get((row.partnership_id, _wording(row.title)))
        if target is not None:
            report.linked += 1
        else:
            report.unlinked.append(f"{row.title} ({row.reference or 'no reference'})")
        if row.indicator_id != (target.pk if target else None):
            row.indicator, row.updated_at = target, now
            changed.append(row)
    with transaction.atomic():
        if changed:
            bulk_update_with_history(changed, MonitoredIndicator, ["indicator", "updated_at"])
    return report
