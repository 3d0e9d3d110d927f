"""``saferhub finance load-essex`` loads the stated out-turns too; ``saferhub accounts create-user
--role provider`` makes a provider, and refuses one without its organisation."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from saferhub.accounts.access import access_service_returns
from saferhub.accounts.models import Role, User
from saferhub.cli import main
from saferhub.finance.models import StatedOutturn

pytestmark = pytest.mark.django_db


def test_load_essex_says_no_actuals_were_loaded(essex_loaded):
    result = CliRunner().invoke(main, ["finance", "load-essex"])
    assert result.exit_code == 0, result.output
    assert "stated out-turns: 2 created, 0 updated, 0 unchanged" in result.output
    assert "the seeds give no quarter's actual spend: none loaded" in result.output
    assert StatedOutturn.objects.count() == 2


def test_a_provider_is_created_with_its_organisation(world):
    env = {"SAFERHUB_NEW_USER_PASSWORD": "a long enough passphrase 2026"}
    args = ["accounts", "create-user", "advocate", "--email", "a@example.org", "--partnership", "alpha-csp"]
    refused = CliRunner().invoke(main, [*args, "--role", "provider"], env=env)
    assert refused.exit_code != 0 and "a provider needs --organisation" in refused.output
    assert not User.objects.filter(username="advocate").exists()
    made = CliRunner().invoke(main, [*args, "--role", "provider", "--organisation", "x-advocacy"], env=env)
    assert made.exit_code == 0, made.output
    user = User.objects.get(username="advocate")
    assert user.organisation == world["x"] and user.partnership_roles.get().role == Role.PROVIDER
    assert access_service_returns(user, world["sx"], write=True)
    assert not access_service_returns(user, world["sy"])
