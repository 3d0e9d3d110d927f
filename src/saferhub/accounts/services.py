"""Writes for accounts: users, roles, organisations and partnerships."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from saferhub.accounts.models import Organisation, Partnership, PartnershipRole, Role, User
from saferhub.core.audit import audit_record
from saferhub.core.errors import ValidationProblem
from saferhub.core.loading import LoadSummary


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


def accounts_essex_load() -> LoadSummary:
    """Load the built-in Essex organisations and partnerships. Twice changes nothing."""
    from importlib import resources

    import yaml

    from saferhub.core.codes import validate_gss_code
    from saferhub.geography.models import Area

    spec = yaml.safe_load(
        resources.files("saferhub.accounts").joinpath("data", "essex.yaml").read_text(encoding="utf-8")
    )
    codes = {o["area"] for o in spec["organisations"] + spec["partnerships"] if o.get("area")}
    for code in codes:
        validate_gss_code(code, where="accounts/data/essex.yaml")
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    missing = sorted(codes - set(areas))
    if missing:
        raise ValidationProblem(
            f"areas {', '.join(missing)} are not loaded: run `saferhub geography load builtin essex` first"
        )
    summary = LoadSummary()

    def upsert(model: Any, slug: str, values: dict[str, Any]) -> Any:
        counts = summary.count(str(model._meta.verbose_name_plural))
        obj = model.objects.filter(slug=slug).first()
        if obj is None:
            counts.created += 1
            return model.objects.create(slug=slug, **values)
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save(update_fields=[*changed, "updated_at"])
            counts.updated += 1
        else:
            counts.unchanged += 1
        return obj

    with transaction.atomic():
        for org in spec["organisations"]:
            upsert(
                Organisation,
                org["slug"],
                {"name": org["name"], "kind": org["kind"], "area": areas.get(org.get("area", ""))},
            )
        by_slug: dict[str, Partnership] = {}
        for p in spec["partnerships"]:
            by_slug[p["slug"]] = upsert(
                Partnership,
                p["slug"],
                {
                    "name": p["name"],
                    "kind": p["kind"],
                    "area": areas.get(p.get("area", "")),
                    "accountable_to": by_slug.get(p.get("accountable_to", "")),
                    "statutory_basis": p.get("statutory_basis", ""),
                },
            )
    return summary
