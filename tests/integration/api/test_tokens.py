"""Partners' tokens: made by the command line and the admin, kept only as a digest, revocable, and
rate limited (the public lower than a token)."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from django.test import override_settings

from saferhub.api.models import ApiToken
from saferhub.cli import main
from tests.factories import UserFactory
from tests.integration.api.conftest import member, token_for

pytestmark = pytest.mark.django_db


def test_the_command_line_makes_lists_and_revokes_a_token(client, essex_partnerships):
    member(essex_partnerships["harlow-csp"], username="harlow-analyst")
    runner = CliRunner()
    made = runner.invoke(main, ["api", "create-token", "harlow-analyst", "--name", "dashboard"])
    assert made.exit_code == 0, made.output
    raw = made.stdout.strip().splitlines()[0]
    token = ApiToken.objects.get()
    # Only the digest is kept: the token itself is nowhere in the database.
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest() and raw not in (token.prefix, token.name)
    assert client.get("/api/meetings", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    listing = runner.invoke(main, ["api", "tokens"])
    assert f"{token.prefix}…\tharlow-analyst\tdashboard" in listing.output and "active" in listing.output
    revoked = runner.invoke(main, ["api", "revoke-token", token.prefix])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/meetings", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert "revoked" in runner.invoke(main, ["api", "tokens"]).output


def test_the_command_line_refuses_an_unknown_account(db):
    result = CliRunner().invoke(main, ["api", "create-token", "nobody"])
    assert result.exit_code == 1 and "There is no account called nobody" in result.output
    assert not ApiToken.objects.exists()


def test_the_admin_makes_a_token_shown_once_and_revokes_it(client, essex_partnerships):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    owner = member(essex_partnerships["harlow-csp"], username="partner")
    client.force_login(admin)
    response = client.post("/admin/api/apitoken/add/", {"user": owner.pk, "name": "from the admin"}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get(user=owner)
    shown = [str(m) for m in response.context["messages"]]
    raw = next(m.split("The new token is ")[1].split(" ")[0] for m in shown if "The new token is" in m)
    assert hashlib.sha256(raw.encode()).hexdigest() == token.digest
    assert client.get("/admin/api/apitoken/").status_code == 200
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    other = client.__class__()
    assert other.get("/api/indicators", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@override_settings(SAFERHUB_API_RATE_PUBLIC="3/m", SAFERHUB_API_RATE_TOKEN="5/m")
def test_the_public_is_limited_per_address_and_a_token_per_token_more_generously(client, essex_partnerships):
    statuses = [client.get("/api/areas").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/areas")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    # Another address is not held back by the first one; a client's own X-Forwarded-For (no proxy
    # is configured) does not give it a fresh allowance.
    assert client.get("/api/areas", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/api/areas", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429
    raw = token_for(member(essex_partnerships["harlow-csp"]))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert [client.get("/api/areas", **headers).status_code for _ in range(6)] == [200] * 5 + [429]
    # A second token has its own allowance.
    other = token_for(member(essex_partnerships["harlow-csp"]))
    assert client.get("/api/areas", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
