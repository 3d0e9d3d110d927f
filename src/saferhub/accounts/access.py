"""The one door: every decision about what a user may see or change is made here.

Views, API endpoints and commands ask these functions; nothing else inspects roles. A partnership
member's role includes the roles below it (viewer < contributor < analyst < administrator).
Superusers are administrators of every partnership. Public pages use ``access_public_read``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from saferhub.accounts.models import Partnership, PartnershipRole, Role
from saferhub.core.hub_generation import counter_of
from saferhub.core.models import Publication
from saferhub.core.page_cache import cached


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def access_role(user: Any, partnership: Partnership) -> Role | None:
    """The user's role in the partnership, or None for anonymous users and non-members."""
    if not _authenticated(user):
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    value = _roles(user).get(partnership.pk)
    return Role(value) if value is not None else None


def _roles(user: Any) -> dict[int, int]:
    """The user's roles by partnership: kept on the user object for the request, and in the cache
    until anything in accounts changes (a role given or taken bumps the accounts counter)."""
    roles: dict[int, int] | None = getattr(user, "_saferhub_roles", None)
    if not roles:
        roles = cached(
            "accounts:roles",
            (user.pk,),
            lambda: dict(PartnershipRole.objects.filter(user=user).values_list("partnership_id", "role")),
            counters=[counter_of("accounts")],
            once_per_request=True,
        )
        if roles:  # no roles is not kept on the object: a caller that gives the user a role asks again
            user._saferhub_roles = roles
    return roles


def access_has_role(user: Any, partnership: Partnership, minimum: Role) -> bool:
    role = access_role(user, partnership)
    return role is not None and role >= minimum


def access_public_read(user: Any, partnership: Partnership) -> bool:
    """Open pages (framework, aggregate figures): public when the partnership publishes them."""
    return partnership.publishes_performance or access_has_role(user, partnership, Role.VIEWER)


def access_framework_read(user: Any, framework: Any) -> bool:
    """A plan (framework) and its scorecard: a draft is its own partnership's until adopted; an
    adopted or archived plan is read as its partnership publishes (``access_public_read``)."""
    if framework.status == "draft":
        return access_has_role(user, framework.owner, Role.VIEWER)
    return access_public_read(user, framework.owner)


def access_published_read(user: Any, partnership: Partnership, publication: str) -> bool:
    """A document with a publication status (terms of reference, meeting, action plan, risk register,
    budget): anyone reads it once published; until then only the partnership's members."""
    return publication == Publication.PUBLISHED or access_has_role(user, partnership, Role.VIEWER)


def access_published_q(user: Any, partnership_path: str, publication_path: str = "publication") -> Q:
    """The filter behind ``access_published_read`` for lists: published, or the user's partnerships."""
    published = Q(**{publication_path: Publication.PUBLISHED})
    if not _authenticated(user):
        return published
    if user.is_superuser:
        return Q()
    return published | Q(**{f"{partnership_path}__in": access_partnerships(user)})


def access_require(user: Any, partnership: Partnership, minimum: Role) -> Role:
    """Return the user's role if it is at least ``minimum``; otherwise refuse with 403."""
    role = access_role(user, partnership)
    if role is None or role < minimum:
        raise PermissionDenied(f"You need the {minimum.label.lower()} role in {partnership.name} to do this.")
    return role


def access_partnerships(user: Any, minimum: Role = Role.VIEWER) -> QuerySet[Partnership]:
    """The partnerships in which the user holds at least ``minimum``."""
    if not _authenticated(user):
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    return Partnership.objects.filter(user_roles__user=user, user_roles__role__gte=minimum).distinct()


def access_is_staff_admin(user: Any) -> bool:
    """Whether the user may open the Django admin (administrators only)."""
    return _authenticated(user) and user.is_staff


def access_sees_small_numbers(user: Any, partnerships: Any, *, area: Any = None) -> bool:
    """Whether the user may see counts of 1 to 4 (and figures made from them) of a figure.

    Every figure has an owner: the ``partnerships`` given (an indicator's owner, else the owners of
    the frameworks listing it) and, for a figure about ``area``, every partnership whose area contains
    it (the area itself, the areas it lies in, its police force area): a county partnership owns its
    districts' imported figures, a district partnership its own. Members (any role) of an owner see
    the figure whole; everyone else (the public, members of other partnerships, and any signed-in
    account) reads it as a published figure, suppressed (``saferhub.core.disclosure``). A figure with
    no owner at all is suppressed for everyone."""
    if not _authenticated(user):
        return False
    if user.is_superuser:
        return True
    if any(access_has_role(user, p, Role.VIEWER) for p in partnerships if p is not None):
        return True
    if area is None:
        return False
    containing = _areas_containing(area)
    roles = getattr(user, "_saferhub_role_areas", None)
    if roles is None:
        roles = set(
            PartnershipRole.objects.filter(
                user=user, role__gte=Role.VIEWER, partnership__area__isnull=False
            ).values_list("partnership__area_id", flat=True)
        )
        user._saferhub_role_areas = roles
    return bool(roles & containing)


def _areas_containing(area: Any) -> set[int]:
    """The area and every area it lies in (its parents up the hierarchy, and its police force area)."""
    found = {x for x in (area.pk, area.parent_id, area.force_area_id) if x}
    frontier = {x for x in (area.parent_id, area.force_area_id) if x}
    while frontier:
        above = set(type(area).objects.filter(pk__in=frontier).values_list("parent_id", "force_area_id").distinct())
        frontier = {x for pair in above for x in pair if x and x not in found}
        found |= frontier
    return found


# --- commissioned services' quarterly returns (issue 18) -----------------------------------------


def _provides(user: Any, service: Any, partnership: Partnership) -> bool:
    organisation_id = getattr(user, "organisation_id", None)
    return (
        organisation_id is not None
        and organisation_id == service.provider_id
        and access_has_role(user, partnership, Role.PROVIDER)
    )


def access_service_returns(user: Any, service: Any, *, write: bool = False) -> bool:
    """Whether the user may read (or, with ``write``, submit and correct) the quarterly returns of a
    commissioned service.

    The fund's partnership reads them from viewer up and writes them from contributor up (the
    commissioner entering a return for a provider). A provider reads and writes the returns of the
    services its organisation provides and of no other: it needs the provider role (or above) in the
    fund's partnership *and* its organisation recorded as the service's provider. Nothing here lets a
    provider change a budget, a service or a measure: those need the contributor role."""
    partnership = service.section.fund.partnership
    if access_has_role(user, partnership, Role.CONTRIBUTOR if write else Role.VIEWER):
        return True
    return _provides(user, service, partnership)


def access_service_returns_q(user: Any) -> Q:
    """``access_service_returns`` (to read) as a filter on commissioned services, for lists."""
    if not _authenticated(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    visible = Q(section__fund__partnership__in=access_partnerships(user))
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is not None:
        visible |= Q(
            provider_id=organisation_id, section__fund__partnership__in=access_partnerships(user, Role.PROVIDER)
        )
    return visible
