"""Data access decisions: may this user read this dataset? Called through the one door
(views and commands ask these functions; nothing else reads agreements to decide access).

A figure from a public-aggregate dataset is open to everyone when it is an aggregate. Anything
else (record-level rows, restricted aggregates) needs an agreement in force that covers the
dataset and to which the user's organisation, or a partnership in which the user holds at least
the viewer role, is a party. Providers are never given partner data through a partnership.
Named-user datasets need the analyst role (or the user's own organisation as a party).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from saferhub.accounts.access import access_partnerships
from saferhub.accounts.models import Role
from saferhub.sharing.models import Agreement, Dataset, Disclosure


@dataclass(frozen=True)
class ReadDecision:
    allowed: bool
    agreement: Agreement | None
    reason: str


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def sharing_agreements_in_force(user: Any, dataset: Dataset) -> list[Agreement]:
    """The agreements in force covering ``dataset`` to which the user is a party."""
    if not _authenticated(user):
        return []
    minimum = Role.ANALYST if dataset.disclosure == Disclosure.NAMED_USERS else Role.VIEWER
    partnerships = access_partnerships(user, minimum)
    party = Q(party_partnerships__in=partnerships)
    if user.organisation_id is not None:
        party |= Q(party_organisations=user.organisation_id)
    if user.is_superuser:
        party = Q()
    return list(
        Agreement.objects.filter(party, datasets=dataset, status=Agreement.Status.IN_FORCE).distinct().order_by("pk")
    )


def sharing_may_read(user: Any, dataset: Dataset, *, aggregate: bool) -> ReadDecision:
    """May ``user`` read ``dataset``? ``aggregate`` says whether what is shown is an aggregate
    figure (counts by area and period) rather than rows."""
    if aggregate and dataset.disclosure == Disclosure.PUBLIC_AGGREGATE:
        return ReadDecision(True, None, "Public aggregate figures")
    if not _authenticated(user):
        return ReadDecision(False, None, "Sign in to read this data")
    agreements = sharing_agreements_in_force(user, dataset)
    if not agreements:
        return ReadDecision(False, None, f"No information sharing agreement in force lets you read {dataset.name}")
    return ReadDecision(True, agreements[0], f"Under {agreements[0].title}")


def sharing_unsuppressed_allowed(user: Any, sources: list[str]) -> bool:
    """May a member see unsuppressed figures (counts of 1 to 4) imported from ``sources``? Only where
    every dataset those sources feed is public aggregate data (police.uk, STATS19) or an agreement
    in force covering it includes the user: a partner's returns or uploads are shared in detail only
    under an information sharing agreement, whatever the role."""
    datasets = Dataset.objects.filter(source__in=sources).exclude(disclosure=Disclosure.PUBLIC_AGGREGATE)
    return all(sharing_agreements_in_force(user, d) for d in datasets)


def sharing_agreement_visible(user: Any, agreement: Agreement) -> bool:
    """Agreements are read by members (viewer and above) of the partnership that keeps them or of a
    party partnership, and by people of a party organisation."""
    if not _authenticated(user):
        return False
    if user.is_superuser:
        return True
    mine = access_partnerships(user, Role.VIEWER)
    if mine.filter(pk=agreement.partnership_id).exists():
        return True
    if agreement.party_partnerships.filter(pk__in=mine).exists():
        return True
    return user.organisation_id is not None and agreement.party_organisations.filter(pk=user.organisation_id).exists()


def sharing_data_owner(user: Any, dataset: Dataset) -> bool:
    """The owning organisation's people with the analyst role somewhere see who read their data."""
    if not _authenticated(user):
        return False
    if user.is_superuser:
        return True
    return user.organisation_id == dataset.owner_id and access_partnerships(user, Role.ANALYST).exists()


__all__ = [
    "ReadDecision",
    "sharing_agreement_visible",
    "sharing_agreements_in_force",
    "sharing_data_owner",
    "sharing_may_read",
    "sharing_unsuppressed_allowed",
]
