"""``saferhub api …``: partners' API tokens."""

from __future__ import annotations

import click

from saferhub.core.bootstrap import setup_django


@click.group("api")
def command() -> None:
    """Tokens for partners to read the open data API as their account."""


@command.command("create-token")
@click.argument("username")
@click.option("--name", default="", help="What the token is for, e.g. 'district dashboard'.")
def create_token(username: str, name: str) -> None:
    """Make a token that reads the API as USERNAME. It is printed once: keep it safe."""
    setup_django()
    from django.contrib.auth import get_user_model

    from saferhub.api.tokens import api_token_create
    from saferhub.core.errors import ValidationProblem

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationProblem(f"There is no account called {username}.")
    token, raw = api_token_create(user=user, name=name)
    click.echo(raw)
    click.echo(f"Token {token.prefix}… for {username}: send it as 'Authorization: Bearer <token>'.", err=True)


@command.command("tokens")
@click.option("--user", "username", default=None, help="Only this account's tokens.")
def tokens(username: str | None) -> None:
    """List tokens: prefix, account, name, made, last used, revoked."""
    setup_django()
    from saferhub.api.models import ApiToken

    found = ApiToken.objects.select_related("user")
    if username:
        found = found.filter(user__username=username)
    for t in found:
        used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never used"
        revoked = f"revoked {t.revoked_at.isoformat(timespec='seconds')}" if t.revoked_at else "active"
        click.echo(f"{t.prefix}…\t{t.user.username}\t{t.name}\t{t.created_at:%Y-%m-%d}\t{used}\t{revoked}")


@command.command("revoke-token")
@click.argument("prefix")
def revoke_token(prefix: str) -> None:
    """Revoke the active token that starts with PREFIX (as `saferhub api tokens` lists it)."""
    setup_django()
    from saferhub.api.models import ApiToken
    from saferhub.api.tokens import api_token_revoke
    from saferhub.core.errors import ValidationProblem

    found = list(ApiToken.objects.filter(prefix=prefix.rstrip("…"), revoked_at=None)[:2])
    if len(found) != 1:
        raise ValidationProblem(f"{len(found) or 'No'} active tokens start with {prefix}: give the prefix listed.")
    api_token_revoke(token=found[0])
    click.echo(f"Token {found[0].prefix}… revoked.")
