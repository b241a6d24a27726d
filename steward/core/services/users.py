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
from django.db.models import Q
from django.utils.translation import gettext as _

from steward.core import audit, outbox, selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Role
from steward.core.errors import NotFound, PermissionDenied, ValidationFailed
from steward.core.models import Department, Team, User
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
ADMIN_FIELDS = PROFILE_FIELDS | {
    "organisation",
    "manager",
    "department",
    "location",
    "is_active",
    "roles",
    "teams",
    "served_organisations",
}
# roles, teams and served organisations are sets, audited as sorted names beside the rest
AUDITED = sorted((ADMIN_FIELDS - {"roles", "teams", "served_organisations"}) | {"username"})


def _clean(actor: Actor, values: dict[str, Any], user: User | None = None) -> dict[str, Any]:
    """Validate field values and turn references into rows the actor may see."""
    errors: dict[str, list[str]] = {}
    clean = dict(values)
    if clean.get("email"):
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors["email"] = [_("not a valid email address")]
    if clean.get("time_zone") and clean["time_zone"] not in zoneinfo.available_timezones():
        errors["time_zone"] = [_("not an IANA time zone such as Europe/Berlin")]
    # empty is no choice: the pages follow the browser's language (decision 0116)
    if "language" in clean and clean["language"] not in {"", *dict(settings.LANGUAGES)}:
        errors["language"] = [
            _("one of: %(value)s, or empty for the browser's")
            % {"value": ", ".join(dict(settings.LANGUAGES))}
        ]
    if "roles" in clean:
        unknown = sorted(set(clean["roles"]) - set(Role.values))
        if unknown:
            errors["roles"] = [
                _("unknown role %(value)s; one of %(value2)s")
                % {"value": ", ".join(unknown), "value2": ", ".join(Role.values)}
            ]
    if errors:
        raise ValidationFailed(errors)
    resolve_organisations(actor, clean)
    if "teams" in clean:
        clean["teams"] = _teams(actor, clean["teams"], user)
    if "department" in clean:
        clean["department"] = resolve_ref(
            Department.objects.all(),
            "department",
            clean["department"],
            key="id",
            label="department",
        )
    if "manager" in clean:
        # who approves the person's catalogue requests that ask for "the manager"
        clean["manager"] = resolve_ref(
            selectors.user_visible(actor).filter(is_active=True),
            "manager",
            clean["manager"],
            key="username",
            label="active person",
        )
        if clean["manager"] is not None and user is not None and clean["manager"].pk == user.pk:
            raise ValidationFailed.one("manager", _("a person cannot be their own manager"))
    if "location" in clean:
        clean["location"] = resolve_ref(
            selectors.location_visible(actor),
            "location",
            clean["location"],
            key="id",
            label="location",
        )
    if "served_organisations" in clean:
        clean["served_organisations"] = _organisations(actor, clean["served_organisations"])
    if "department" in clean or "organisation" in clean:
        _check_department(clean, user)
    return clean


def _check_department(clean: dict[str, Any], user: User | None) -> None:
    """A department belongs to the person's organisation (the new one when it changes)."""
    department = clean.get("department", getattr(user, "department", None))
    organisation = clean.get("organisation", getattr(user, "organisation", None))
    if department is not None and department.organisation_id != getattr(organisation, "pk", None):
        raise ValidationFailed.one("department", _("not a department of the person's organisation"))


def _organisations(actor: Actor, slugs: list[str] | None) -> list[Any]:
    """The organisations named by ``slugs`` that the actor may see; a 422 naming
    ``served_organisations`` for any other."""
    wanted = sorted({(s or "").strip() for s in slugs or []})
    found = list(selectors.organisation_visible(actor).filter(slug__in=wanted))
    missing = sorted(set(wanted) - {o.slug for o in found})
    if missing:
        raise ValidationFailed.one(
            "served_organisations", _("no organisation %(value)s") % {"value": ", ".join(missing)}
        )
    return found


def _teams(actor: Actor, slugs: list[str] | None, user: User | None = None) -> list[Team]:
    """The teams named by ``slugs`` that the actor may see: active ones, or ones ``user`` is
    already in (keeping a membership of a retired team is no new assignment); a 422 naming
    ``teams`` for any other."""
    wanted = sorted({(s or "").strip() for s in slugs or []})
    allowed = Q(is_active=True) if user is None else Q(is_active=True) | Q(members=user)
    found = list(selectors.team_visible(actor).filter(allowed, slug__in=wanted).distinct())
    missing = sorted(set(wanted) - {t.slug for t in found})
    if missing:
        raise ValidationFailed.one(
            "teams", _("no active team %(value)s") % {"value": ", ".join(missing)}
        )
    return found


def _set_roles(user: User, roles: list[str]) -> None:
    user.groups.set(Group.objects.filter(name__in=roles))
    user._role_names = set(roles)


def _set_teams(user: User, teams: list[Team]) -> None:
    """Membership of exactly ``teams``; only agents work a team's queue (as ``team_add_member``
    requires), so a requester can join none."""
    if teams and not user.is_agent:
        raise ValidationFailed.one(
            "teams", _("only agents can be team members; give an agent role")
        )
    user.teams.set(teams)


@transaction.atomic
def user_create(actor: Actor, *, username: str, password: str | None = None, **fields: Any) -> User:
    """An administrator adds a person; roles default to requester."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators may add users."))
    reject_unknown(fields, ADMIN_FIELDS)
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise ValidationFailed.one("username", _("required, at most 150 characters"))
    if User.objects.filter(username=username).exists():
        raise ValidationFailed.one("username", _("already taken"))
    fields.setdefault("roles", [Role.REQUESTER])
    clean = _clean(actor, fields)
    roles = clean.pop("roles")
    teams = clean.pop("teams", [])
    served = clean.pop("served_organisations", [])
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
    _set_teams(user, teams)
    user.served_organisations.set(served)
    audit.record(
        actor,
        user,
        action=AuditAction.CREATE,
        after={
            **audit.snapshot(user, AUDITED),
            "roles": sorted(roles),
            "teams": sorted(t.slug for t in teams),
            "served_organisations": sorted(o.slug for o in served),
        },
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
            raise PermissionDenied(_("You may only edit your own profile."))
        denied = sorted(set(changes) - PROFILE_FIELDS)
        if denied:
            raise PermissionDenied(
                _("Only administrators may change: %(value)s.") % {"value": ", ".join(denied)},
                fields={n: ["administrators only"] for n in denied},
            )
    reject_unknown(changes, ADMIN_FIELDS)
    check_version(user, expected_version)
    if is_self and changes.get("is_active") is False:
        # the last door out: an administrator who locks themselves out needs the command line
        raise PermissionDenied(
            _("You cannot deactivate your own account; ask another administrator."),
            fields={"is_active": [_("not your own account")]},
        )
    clean = _clean(actor, changes, user)
    roles = clean.pop("roles", None)
    teams = clean.pop("teams", None)
    served = clean.pop("served_organisations", None)
    before = audit.snapshot(user, clean)
    before_roles = sorted(user.role_names)
    before_teams = sorted(user.teams.values_list("slug", flat=True))
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
    if teams is not None:
        _set_teams(user, teams)
        before["teams"], after["teams"] = before_teams, sorted(t.slug for t in teams)
    if served is not None:
        before["served_organisations"] = sorted(
            user.served_organisations.values_list("slug", flat=True)
        )
        user.served_organisations.set(served)
        after["served_organisations"] = sorted(o.slug for o in served)
    bump_version(user, saved)
    audit.record(actor, user, before=before, after=after)
    outbox.emit("user.updated", user, changed=sorted(changes))
    return user
