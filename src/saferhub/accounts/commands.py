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
@click.option(
    "--role",
    type=click.Choice(["provider", "viewer", "contributor", "analyst", "administrator"]),
    default="viewer",
    help="provider: makes the quarterly returns of the services its organisation provides, and sees nothing else.",
)
@click.option("--organisation", "organisation_slug", default=None, help="Organisation slug the user works for.")
@click.option("--staff", is_flag=True, help="May open the Django admin.")
@click.password_option(envvar="SAFERHUB_NEW_USER_PASSWORD")
def create(
    username: str,
    email: str,
    partnership_slug: str | None,
    role: str,
    organisation_slug: str | None,
    staff: bool,
    password: str,
) -> None:
    """Create a user, optionally with a role in one partnership."""
    setup_django()
    from saferhub.accounts.models import Organisation, Partnership, Role
    from saferhub.accounts.services import partnership_role_grant, user_create
    from saferhub.core.errors import NotFound, ValidationProblem

    partnership = None
    if partnership_slug:
        partnership = Partnership.objects.filter(slug=partnership_slug).first()
        if partnership is None:
            raise NotFound(f"there is no partnership {partnership_slug!r}")
    organisation = None
    if organisation_slug:
        organisation = Organisation.objects.filter(slug=organisation_slug).first()
        if organisation is None:
            raise NotFound(f"there is no organisation {organisation_slug!r}")
    if role == "provider" and (organisation is None or partnership is None):
        raise ValidationProblem("a provider needs --organisation (who provides the service) and --partnership")
    user = user_create(username=username, email=email, password=password, organisation=organisation, is_staff=staff)
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
