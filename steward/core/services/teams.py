"""Assignment groups: creating, editing and membership."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from steward.core import audit, outbox, selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import Team, User
from steward.core.services.common import (
    bump_version,
    check_version,
    reject_unknown,
    resolve_ref,
    unique_or_refused,
)
from steward.core.services.references import resolve_organisations

EDITABLE = {"name", "description", "email", "organisation", "lead", "is_active"}
AUDITED = ["name", "slug", "description", "email", "organisation", "lead", "is_active"]


def _can_manage(actor: Actor, team: Team) -> bool:
    return actor.is_admin or (actor.user is not None and team.lead_id == actor.user.pk)


def _clean(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    clean = dict(values)
    if "name" in clean:
        name = (clean["name"] or "").strip()
        if not name or len(name) > 120:
            raise ValidationFailed.one("name", _("required, at most 120 characters"))
        clean["name"] = name
    resolve_organisations(actor, clean)
    if "lead" in clean:
        clean["lead"] = _agent(actor, "lead", clean["lead"])
    return clean


def _agent(actor: Actor, field: str, username: str | None) -> User | None:
    user = resolve_ref(selectors.user_visible(actor), field, username, key="username", label="user")
    if user is not None and not user.is_agent:
        raise ValidationFailed.one(
            field, _("%(username)s is not an agent") % {"username": repr(username)}
        )
    return user


@transaction.atomic
def team_create(
    actor: Actor, *, name: str, slug: str = "", members: list[str] | None = None, **fields: Any
) -> Team:
    """An administrator creates an assignment group."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators may create teams."))
    reject_unknown(fields, EDITABLE)
    clean = _clean(actor, {"name": name, **fields})
    slug = slugify(slug or clean["name"])[:60]
    if not slug:
        raise ValidationFailed.one("slug", _("needs letters or digits"))
    if Team.objects.filter(slug=slug).exists() or Team.objects.filter(name=clean["name"]).exists():
        raise ValidationFailed.one("name", _("a team with this name already exists"))
    if any(not (m or "").strip() for m in members or []):
        raise ValidationFailed.one("members", _("a username, not blank"))
    member_rows = [_agent(actor, "members", m) for m in members or []]
    taken = _("a team with this name already exists")
    with unique_or_refused(Team, {"name": taken, "slug": taken}, named={"slug": "name"}):
        team = Team.objects.create(slug=slug, **clean)
    team.members.set(member_rows)
    audit.record(
        actor,
        team,
        action=AuditAction.CREATE,
        after={**audit.snapshot(team, AUDITED), "members": sorted(m.username for m in member_rows)},
    )
    outbox.emit("team.created", team)
    return team


@transaction.atomic
def team_update(
    actor: Actor, *, slug: str, expected_version: int | None, changes: dict[str, Any]
) -> Team:
    """Edit a team's details (administrators and the team's lead; the organisation only
    administrators)."""
    team = selectors.team_get(actor, slug=slug, for_update=True)
    if not _can_manage(actor, team):
        raise PermissionDenied(_("Only administrators and the team lead may edit this team."))
    reject_unknown(changes, EDITABLE)
    check_version(team, expected_version)
    clean = _clean(actor, changes)
    if (
        "organisation" in clean
        and clean["organisation"] != team.organisation
        and not actor.is_admin
    ):
        raise PermissionDenied(
            _("Only administrators may change a team's organisation."),
            fields={"organisation": [_("administrators only")]},
        )
    taken = _("a team with this name already exists")
    if "name" in clean and Team.objects.filter(name=clean["name"]).exclude(pk=team.pk).exists():
        raise ValidationFailed.one("name", taken)
    before = audit.snapshot(team, clean)
    for name, value in clean.items():
        setattr(team, name, value)
    after = audit.snapshot(team, clean)
    with unique_or_refused(Team, {"name": taken}):  # a rename racing another's
        bump_version(team, list(clean))
    audit.record(actor, team, before=before, after=after)
    outbox.emit("team.updated", team, changed=sorted(clean))
    return team


def _change_members(actor: Actor, slug: str, username: str, *, add: bool) -> Team:
    team = selectors.team_get(actor, slug=slug, for_update=True)
    if not _can_manage(actor, team):
        raise PermissionDenied(_("Only administrators and the team lead may change members."))
    user = _agent(actor, "username", username)
    before = sorted(team.members.values_list("username", flat=True))
    if add:
        team.members.add(user)
    else:
        team.members.remove(user)
    after = sorted(team.members.values_list("username", flat=True))
    if before != after:
        bump_version(team, [])
        audit.record(actor, team, before={"members": before}, after={"members": after})
        outbox.emit(
            "team.members_changed",
            team,
            added=[username] if add else [],
            removed=[] if add else [username],
        )
    return team


@transaction.atomic
def team_add_member(actor: Actor, *, slug: str, username: str) -> Team:
    """Add an agent to a team (idempotent)."""
    return _change_members(actor, slug, username, add=True)


@transaction.atomic
def team_remove_member(actor: Actor, *, slug: str, username: str) -> Team:
    """Remove an agent from a team (idempotent)."""
    return _change_members(actor, slug, username, add=False)
