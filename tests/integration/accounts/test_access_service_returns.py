"""The door for commissioned services' returns: the commissioning partnership, and each provider for
its own services only; the provider role gives nothing else of the partnership."""

import pytest
from django.contrib.auth.models import AnonymousUser

from saferhub.accounts.access import (
    access_has_role,
    access_partnerships,
    access_service_returns,
    access_service_returns_q,
)
from saferhub.accounts.models import Role
from saferhub.finance.models import CommissionedService


def _can(world, who, service, write=False):
    user = AnonymousUser() if who == "anonymous" else world["people"][who]
    return access_service_returns(user, world[service], write=write)


@pytest.mark.parametrize(
    ("who", "sx_read", "sx_write", "sy_read", "sy_write"),
    [
        ("provider_x", True, True, False, False),
        ("provider_y", False, False, True, True),
        ("x_without_role", False, False, False, False),  # the organisation alone is not enough
        ("x_provider_in_beta", False, False, False, False),  # the role in another partnership is not either
        ("viewer", True, False, True, False),
        ("contributor", True, True, True, True),
        ("beta_administrator", False, False, False, False),
        ("nobody", False, False, False, False),
        ("anonymous", False, False, False, False),
    ],
)
def test_who_reads_and_writes_which_services_returns(world, who, sx_read, sx_write, sy_read, sy_write):
    assert _can(world, who, "sx") is sx_read
    assert _can(world, who, "sx", write=True) is sx_write
    assert _can(world, who, "sy") is sy_read
    assert _can(world, who, "sy", write=True) is sy_write


def test_the_list_filter_agrees_with_the_door(world):
    for who, user in world["people"].items():
        listed = set(CommissionedService.objects.filter(access_service_returns_q(user)))
        expected = {s for s in CommissionedService.objects.all() if access_service_returns(user, s)}
        assert listed == expected, who
    assert not CommissionedService.objects.filter(access_service_returns_q(AnonymousUser())).exists()


def test_a_provider_is_not_a_member_of_the_partnership(world):
    provider = world["people"]["provider_x"]
    assert not access_has_role(provider, world["alpha"], Role.VIEWER)
    assert not access_partnerships(provider).exists()
    assert list(access_partnerships(provider, Role.PROVIDER)) == [world["alpha"]]


def test_a_provider_loses_the_service_when_the_provider_changes(world):
    provider = world["people"]["provider_x"]
    world["sx"].provider = world["y"]
    world["sx"].save()
    assert not access_service_returns(provider, world["sx"])
