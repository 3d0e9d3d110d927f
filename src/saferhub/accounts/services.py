"""Writes for accounts: users, roles, organisations and partnerships."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from saferhub.accounts.models import Organisation, Partnership, PartnershipRole, Role, User
from saferhub.core.audit import audit_record
from saferhub.core.errors import ValidationProblem


def user_create(
    *,
    username: str,
    email: str,
    password: str,
    organisation: Organisation | None = None,
    job_title: str = "",
    is_staff: bool = False,
    actor: Any = None,
) -> User:
    """Create a user after checking the password against the hub's rules."""
    if User.objects.filter(username=username).exists():
        raise ValidationProblem(f"a user called {username!r} already exists")
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        raise ValidationProblem("password: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            email=email,
            password=password,
            organisation=organisation,
            job_title=job_title,
            is_staff=is_staff,
        )
        audit_record(actor=actor, action="user.create", obj=user, username=username)
    return user


def partnership_role_grant(*, user: User, partnership: Partnership, role: Role, actor: Any = None) -> PartnershipRole:
    """Give ``user`` the ``role`` in ``partnership`` (replacing any role they had)."""
    with transaction.atomic():
        grant, _ = PartnershipRole.objects.update_or_create(
            user=user, partnership=partnership, defaults={"role": int(role)}
        )
        audit_record(actor=actor, action="role.grant", obj=grant, role=role.label, partnership=partnership.slug)
    return grant
