"""``saferhub users …``"""

from __future__ import annotations

import click

from saferhub.core.bootstrap import setup_django


@click.group("accounts")
def command() -> None:
    """Organisations, partnerships, people who sign in, and their roles."""


@command.command("create-user")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--partnership", "partnership_slug", default=None, help="Partnership slug to give a role in.")
@click.option("--role", type=click.Choice(["viewer", "contributor", "analyst", "administrator"]), default="viewer")
@click.option("--staff", is_flag=True, help="May open the Django admin.")
@click.password_option(envvar="SAFERHUB_NEW_USER_PASSWORD")
def create(username: str, email: str, partnership_slug: str | None, role: str, staff: bool, password: str) -> None:
    """Create a user, optionally with a role in one partnership."""
    setup_django()
    from saferhub.accounts.models import Partnership, Role
    from saferhub.accounts.services import partnership_role_grant, user_create
    from saferhub.core.errors import NotFound

    partnership = None
    if partnership_slug:
        partnership = Partnership.objects.filter(slug=partnership_slug).first()
        if partnership is None:
            raise NotFound(f"there is no partnership {partnership_slug!r}")
    user = user_create(username=username, email=email, password=password, is_staff=staff)
    if partnership is not None:
        partnership_role_grant(user=user, partnership=partnership, role=Role[role.upper()])
    click.echo(f"created {username}" + (f", {role} of {partnership.name}" if partnership else ""))


@command.command("load-essex")
def load_essex() -> None:
    """Load the built-in Essex organisations and partnerships (needs the Essex geography)."""
    setup_django()
    from saferhub.accounts.services import accounts_essex_load

    summary = accounts_essex_load()
    click.echo(f"organisations and partnerships: {summary}")
