"""Creating people and editing profiles."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from steward.core import audit, outbox, selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Role
from steward.core.errors import NotFound, PermissionDenied, ValidationFailed
from steward.core.models import Department, Location, User
from steward.core.services.common import bump_version, check_version, reject_unknown, resolve_ref
from steward.core.services.references import resolve_organisations

PROFILE_FIELDS = {
    "first_name",
    "last_name",
    "email",
    "time_zone",
    "language",
    "phone",
    "email_notifications",
}
ADMIN_FIELDS = PROFILE_FIELDS | {"organisation", "department", "location", "is_active", "roles"}
AUDITED = sorted((ADMIN_FIELDS - {"roles"}) | {"username"})


def _clean(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Validate field values and turn references into rows the actor may see."""
    errors: dict[str, list[str]] = {}
    clean = dict(values)
    if clean.get("email"):
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors["email"] = ["not a valid email address"]
    if clean.get("time_zone") and clean["time_zone"] not in zoneinfo.available_timezones():
        errors["time_zone"] = ["not an IANA time zone such as Europe/Berlin"]
    if "language" in clean and clean["language"] not in dict(settings.LANGUAGES):
        errors["language"] = [f"one of: {', '.join(dict(settings.LANGUAGES))}"]
    if "roles" in clean:
        unknown = sorted(set(clean["roles"]) - set(Role.values))
        if unknown:
            errors["roles"] = [
                f"unknown role {', '.join(unknown)}; one of {', '.join(Role.values)}"
            ]
    if errors:
        raise ValidationFailed(errors)
    resolve_organisations(actor, clean)
    if "department" in clean:
        clean["department"] = resolve_ref(
            Department.objects.all(),
            "department",
            clean["department"],
            key="id",
            label="department",
        )
    if "location" in clean:
        clean["location"] = resolve_ref(
            Location.objects.all(), "location", clean["location"], key="id", label="location"
        )
    return clean


def _set_roles(user: User, roles: list[str]) -> None:
    user.groups.set(Group.objects.filter(name__in=roles))
    user._role_names = set(roles)


@transaction.atomic
def user_create(actor: Actor, *, username: str, password: str | None = None, **fields: Any) -> User:
    """An administrator adds a person; roles default to requester."""
    if not actor.is_admin:
        raise PermissionDenied("Only administrators may add users.")
    reject_unknown(fields, ADMIN_FIELDS)
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationFailed.one("username", "required, at most 150 characters")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed.one("username", "already taken")
    fields.setdefault("roles", [Role.REQUESTER])
    clean = _clean(actor, fields)
    roles = clean.pop("roles")
    user = User(username=username, **clean)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed({"password": list(exc.messages)}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    _set_roles(user, roles)
    audit.record(
        actor,
        user,
        action=AuditAction.CREATE,
        after={**audit.snapshot(user, AUDITED), "roles": sorted(roles)},
    )
    outbox.emit("user.created", user)
    return user


@transaction.atomic
def user_update(
    actor: Actor, *, username: str, expected_version: int | None, changes: dict[str, Any]
) -> User:
    """Edit a user: yourself (profile fields) or anyone (administrators)."""
    user = (
        selectors.user_visible(actor)
        .select_for_update(of=("self",))
        .filter(username=username)
        .first()
    )
    if user is None:
        raise NotFound()
    is_self = actor.user is not None and actor.user.pk == user.pk
    if not actor.is_admin:
        if not is_self:
            raise PermissionDenied("You may only edit your own profile.")
        denied = sorted(set(changes) - PROFILE_FIELDS)
        if denied:
            raise PermissionDenied(
                f"Only administrators may change: {', '.join(denied)}.",
                fields={n: ["administrators only"] for n in denied},
            )
    reject_unknown(changes, ADMIN_FIELDS)
    check_version(user, expected_version)
    clean = _clean(actor, changes)
    roles = clean.pop("roles", None)
    before = audit.snapshot(user, clean)
    before_roles = sorted(user.role_names)
    saved = list(clean)
    # Reactivating revives no old token or session; a token or session begun under a role
    # the user no longer holds ends with it (a new sign-in or token carries what is left).
    reactivated = "is_active" in clean and clean["is_active"] != user.is_active
    if reactivated or (roles is not None and set(before_roles) - set(roles)):
        user.end_credentials()
        saved.append("credentials_changed_at")
    for name, value in clean.items():
        setattr(user, name, value)
    after = audit.snapshot(user, clean)
    if roles is not None:
        before["roles"], after["roles"] = before_roles, sorted(roles)
        _set_roles(user, roles)
    bump_version(user, saved)
    audit.record(actor, user, before=before, after=after)
    outbox.emit("user.updated", user, changed=sorted(changes))
    return user
