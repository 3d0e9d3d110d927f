"""May this user read this dataset? Decided by the agreements in force, not by role alone."""

import pytest
from django.contrib.auth.models import AnonymousUser

from saferhub.accounts.models import Organisation, Role
from saferhub.sharing.access import sharing_agreement_visible, sharing_data_owner, sharing_may_read
from saferhub.sharing.models import Agreement, Disclosure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_public_aggregates_are_open_but_their_rows_are_not(open_crime):
    assert sharing_may_read(AnonymousUser(), open_crime, aggregate=True).allowed
    assert not sharing_may_read(AnonymousUser(), open_crime, aggregate=False).allowed


def test_a_member_of_a_party_partnership_reads_under_the_agreement(protocol, uploads, member, essex_partnerships):
    user = member(essex_partnerships["safer-essex"], Role.VIEWER)
    decision = sharing_may_read(user, uploads, aggregate=False)
    assert decision.allowed and decision.agreement == protocol


def test_a_person_of_a_party_organisation_reads_without_a_partnership_role(protocol, uploads, police):
    user = UserFactory(organisation=police)
    assert sharing_may_read(user, uploads, aggregate=False).agreement == protocol


def test_another_partnership_a_provider_and_the_signed_out_are_refused(protocol, uploads, member, essex_partnerships):
    other = member(essex_partnerships["basildon-csp"], Role.ADMINISTRATOR)
    provider = member(essex_partnerships["safer-essex"], Role.PROVIDER)
    for user in (other, provider, AnonymousUser()):
        decision = sharing_may_read(user, uploads, aggregate=False)
        assert not decision.allowed and decision.agreement is None
        # a restricted dataset's aggregates are not public either
        assert not sharing_may_read(user, uploads, aggregate=True).allowed


@pytest.mark.parametrize("status", ["draft", "expired", "withdrawn"])
def test_only_an_agreement_in_force_gives_access(status, protocol, uploads, member, essex_partnerships):
    Agreement.objects.filter(pk=protocol.pk).update(status=status)
    user = member(essex_partnerships["safer-essex"], Role.ANALYST)
    assert not sharing_may_read(user, uploads, aggregate=False).allowed


def test_named_user_data_needs_an_analyst(protocol, uploads, member, essex_partnerships):
    uploads.disclosure = Disclosure.NAMED_USERS
    uploads.save()
    ptn = essex_partnerships["safer-essex"]
    assert not sharing_may_read(member(ptn, Role.CONTRIBUTOR), uploads, aggregate=False).allowed
    assert sharing_may_read(member(ptn, Role.ANALYST), uploads, aggregate=False).allowed


def test_agreement_visibility_and_data_owner(protocol, uploads, member, essex_partnerships, police):
    assert not sharing_agreement_visible(AnonymousUser(), protocol)
    assert not sharing_agreement_visible(member(essex_partnerships["basildon-csp"], Role.ADMINISTRATOR), protocol)
    assert sharing_agreement_visible(member(essex_partnerships["safer-essex"], Role.VIEWER), protocol)
    owner = member(essex_partnerships["safer-essex"], Role.ANALYST)
    assert not sharing_data_owner(owner, uploads)  # an analyst, but not of the owning organisation
    owner.organisation = police
    owner.save()
    assert sharing_data_owner(owner, uploads)
    council = Organisation.objects.get(slug="basildon-council")
    stranger = member(essex_partnerships["basildon-csp"], Role.ANALYST)
    stranger.organisation = council
    stranger.save()
    assert not sharing_data_owner(stranger, uploads)
