"""Delegations: while away, an agent lets another agent decide their approvals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.changes.models import Delegation
from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Scope
from steward.core.errors import NotFound, PermissionDenied, ValidationFailed
from steward.core.services.common import reject_unknown


@transaction.atomic
def delegation_create(
    actor: Actor, *, delegate: str, starts_on: dt.date, ends_on: dt.date, user: str | None = None
) -> Delegation:
    """While away, let another agent decide one's approvals (administrators may set it up
    for anyone)."""
    if actor.user is None or not actor.is_agent or not actor.has_scope(Scope.WRITE):
        raise PermissionDenied(_("Only agents delegate approvals."))
    owner = actor.user
    if user and user != actor.user.username:
        if not actor.is_admin:
            raise PermissionDenied(
                _("Only administrators set delegations for others."),
                fields={"user": [_("administrators only")]},
            )
        owner = core_selectors.user_visible(actor).filter(username=user).first()
        if owner is None:
            raise ValidationFailed.one("user", _("no user %(user)s") % {"user": repr(user)})
    if ends_on < starts_on:
        raise ValidationFailed.one("ends_on", _("must not be before starts_on"))
    if ends_on < timezone.localdate():
        raise ValidationFailed.one("ends_on", _("is in the past"))
    found = core_selectors.user_visible(actor).filter(username=delegate, is_active=True).first()
    if found is None:
        raise ValidationFailed.one(
            "delegate", _("no user %(delegate)s") % {"delegate": repr(delegate)}
        )
    if not found.is_agent:
        raise ValidationFailed.one("delegate", _("is not an agent"))
    if found.pk == owner.pk:
        raise ValidationFailed.one("delegate", _("cannot delegate to oneself"))
    made = Delegation.objects.create(
        user=owner, delegate=found, starts_on=starts_on, ends_on=ends_on
    )
    audit.record(
        actor,
        made,
        action=AuditAction.CREATE,
        after={
            "user": owner.username,
            "delegate": found.username,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    outbox.emit("change.delegation_created", made, user=owner.username, delegate=found.username)
    return made


@transaction.atomic
def delegation_delete(actor: Actor, *, delegation_id: int) -> None:
    """End one's own delegation (or anyone's, for administrators)."""
    if actor.user is None:
        raise PermissionDenied(_("Only people delegate."))
    qs = Delegation.objects.select_for_update().filter(pk=delegation_id)
    if not actor.is_admin:
        qs = qs.filter(user=actor.user)
    found = qs.first() if 0 < delegation_id < 2**63 else None
    if found is None:
        raise NotFound()
    if not actor.has_scope(Scope.WRITE):
        raise PermissionDenied(_("This token may not write."))
    audit.record(
        actor,
        found,
        action=AuditAction.DELETE,
        before={"user": found.user_id, "delegate": found.delegate_id},
    )
    found.delete()


@transaction.atomic
def delegation_update(actor: Actor, *, delegation_id: int, changes: dict[str, Any]) -> Delegation:
    """Change a delegation's delegate or dates (one's own, or anyone's for administrators);
    the same rules as when it was made."""
    if actor.user is None or not actor.has_scope(Scope.WRITE):
        raise PermissionDenied(_("Only people delegate."))
    qs = Delegation.objects.select_for_update().select_related("user", "delegate")
    if not actor.is_admin:
        qs = qs.filter(user=actor.user)
    found = qs.filter(pk=delegation_id).first() if 0 < delegation_id < 2**63 else None
    if found is None:
        raise NotFound()
    reject_unknown(changes, {"delegate", "starts_on", "ends_on"})
    before = _snapshot(found)
    starts_on = changes.get("starts_on", found.starts_on)
    ends_on = changes.get("ends_on", found.ends_on)
    if ends_on < starts_on:
        raise ValidationFailed.one("ends_on", _("must not be before the first day"))
    if "ends_on" in changes and ends_on < timezone.localdate():
        raise ValidationFailed.one("ends_on", _("is in the past"))
    if "delegate" in changes:
        delegate = changes["delegate"]
        new = core_selectors.user_visible(actor).filter(username=delegate, is_active=True).first()
        if new is None:
            raise ValidationFailed.one(
                "delegate", _("no user %(delegate)s") % {"delegate": repr(delegate)}
            )
        if not new.is_agent:
            raise ValidationFailed.one("delegate", _("is not an agent"))
        if new.pk == found.user_id:
            raise ValidationFailed.one("delegate", _("cannot delegate to oneself"))
        found.delegate = new
    found.starts_on, found.ends_on = starts_on, ends_on
    after = _snapshot(found)
    if after != before:
        found.save(update_fields=["delegate", "starts_on", "ends_on"])
        audit.record(actor, found, before=before, after=after)
        outbox.emit(
            "change.delegation_updated",
            found,
            user=found.user.username,
            delegate=found.delegate.username,
        )
    return found


def _snapshot(delegation: Delegation) -> dict[str, Any]:
    return {
        "delegate": delegation.delegate.username,
        "starts_on": delegation.starts_on.isoformat(),
        "ends_on": delegation.ends_on.isoformat(),
    }
