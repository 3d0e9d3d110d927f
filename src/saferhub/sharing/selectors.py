"""Reads for other parts of the hub: the partnership page's information sharing section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from saferhub.accounts.models import Partnership
from saferhub.sharing.models import Agreement


@dataclass(frozen=True)
class PartnershipSharing:
    agreements: list[Agreement]
    overdue: list[Agreement]


def sharing_for_partnership(partnership: Partnership, today: date) -> PartnershipSharing:
    """The agreements the partnership keeps or is party to, and those in force whose review is overdue."""
    agreements = list(
        Agreement.objects.filter(Q(partnership=partnership) | Q(party_partnerships=partnership))
        .distinct()
        .order_by("title")
    )
    return PartnershipSharing(agreements=agreements, overdue=[a for a in agreements if a.review_overdue(today)])
