"""The door to data: roles per partnership decide who sees and changes what."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from saferhub.accounts.access import access_partnerships, access_public_read, access_require, access_role
from saferhub.accounts.models import Role
from saferhub.core.models import AuditEvent
from tests.factories import PASSWORD, PartnershipFactory, PartnershipRoleFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db


def test_roles_include_the_roles_below_them():
    grant = PartnershipRoleFactory(role=Role.ANALYST)
    assert access_require(grant.user, grant.partnership, Role.CONTRIBUTOR) == Role.ANALYST
    with pytest.raises(PermissionDenied, match="administrator role"):
        access_require(grant.user, grant.partnership, Role.ADMINISTRATOR)


def test_a_member_of_another_partnership_has_no_role_here():
    mine = PartnershipRoleFactory(role=Role.ADMINISTRATOR)
    other = PartnershipFactory()
    assert access_role(mine.user, other) is None
    with pytest.raises(PermissionDenied):
        access_require(mine.user, other, Role.VIEWER)
    assert list(access_partnerships(mine.user)) == [mine.partnership]


def test_anonymous_users_have_no_role(client):
    from django.contrib.auth.models import AnonymousUser

    partnership = PartnershipFactory(publishes_performance=False)
    assert access_role(AnonymousUser(), partnership) is None
    assert not access_public_read(AnonymousUser(), partnership)
    assert access_partnerships(AnonymousUser()).count() == 0


def test_published_performance_is_public():
    from django.contrib.auth.models import AnonymousUser

    assert access_public_read(AnonymousUser(), PartnershipFactory(publishes_performance=True))


def test_superusers_administer_every_partnership():
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert access_role(admin, PartnershipFactory()) == Role.ADMINISTRATOR


def test_members_page_refuses_anonymous_users(client):
    partnership = PartnershipFactory()
    response = client.get(reverse("partnership_members", args=[partnership.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_members_page_refuses_a_user_of_another_partnership(client):
    outsider = PartnershipRoleFactory(role=Role.ADMINISTRATOR)
    partnership = PartnershipFactory()
    sign_in(client, outsider.user.username, PASSWORD)
    response = client.get(reverse("partnership_members", args=[partnership.slug]))
    assert response.status_code == 403
    assert "You need the viewer role in" in response.content.decode()


def test_members_page_shows_members_to_a_viewer(client):
    grant = PartnershipRoleFactory(role=Role.VIEWER)
    PartnershipRoleFactory(partnership=grant.partnership, role=Role.ANALYST)
    sign_in(client, grant.user.username, PASSWORD)
    response = client.get(reverse("partnership_members", args=[grant.partnership.slug]))
    assert response.status_code == 200
    assert grant.user.username in response.content.decode()


def test_role_grant_writes_an_audit_row():
    from saferhub.accounts.services import partnership_role_grant

    user, partnership = UserFactory(), PartnershipFactory()
    partnership_role_grant(user=user, partnership=partnership, role=Role.CONTRIBUTOR, actor=None)
    event = AuditEvent.objects.get(action="role.grant")
    assert event.detail == {"role": "Contributor", "partnership": partnership.slug}


def test_admin_is_for_staff_only(client):
    grant = PartnershipRoleFactory(role=Role.ADMINISTRATOR)
    sign_in(client, grant.user.username, PASSWORD)
    assert client.get("/admin/").status_code == 302  # not staff: sent to the admin login
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff.username, PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_members_page_queries_do_not_grow_with_members(client, django_assert_max_num_queries):
    grant = PartnershipRoleFactory(role=Role.VIEWER)
    for _ in range(15):
        PartnershipRoleFactory(partnership=grant.partnership)
    sign_in(client, grant.user.username, PASSWORD)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("partnership_members", args=[grant.partnership.slug])).status_code == 200
