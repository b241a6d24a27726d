"""Delegations: while away, an agent lets another agent decide their approvals."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from steward.changes.models import Delegation
from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Scope
from steward.core.errors import NotFound, PermissionDenied, ValidationFailed


@transaction.atomic
def delegation_create(
    actor: Actor, *, delegate: str, starts_on: dt.date, ends_on: dt.date, user: str | None = None
) -> Delegation:
    """While away, let another agent decide one's approvals (administrators may set it up
    for anyone)."""
    if actor.user is None or not actor.is_agent or not actor.has_scope(Scope.WRITE):
        raise PermissionDenied("Only agents delegate approvals.")
    owner = actor.user
    if user and user != actor.user.username:
        if not actor.is_admin:
            raise PermissionDenied(
                "Only administrators set delegations for others.",
                fields={"user": ["administrators only"]},
            )
        owner = core_selectors.user_visible(actor).filter(username=user).first()
        if owner is None:
            raise ValidationFailed.one("user", f"no user {user!r}")
    if ends_on < starts_on:
        raise ValidationFailed.one("ends_on", "must not be before starts_on")
    if ends_on < timezone.localdate():
        raise ValidationFailed.one("ends_on", "is in the past")
    found = core_selectors.user_visible(actor).filter(username=delegate, is_active=True).first()
    if found is None:
        raise ValidationFailed.one("delegate", f"no user {delegate!r}")
    if not found.is_agent:
        raise ValidationFailed.one("delegate", "is not an agent")
    if found.pk == owner.pk:
        raise ValidationFailed.one("delegate", "cannot delegate to oneself")
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
        raise PermissionDenied("Only people delegate.")
    qs = Delegation.objects.select_for_update().filter(pk=delegation_id)
    if not actor.is_admin:
        qs = qs.filter(user=actor.user)
    found = qs.first() if 0 < delegation_id < 2**63 else None
    if found is None:
        raise NotFound()
    if not actor.has_scope(Scope.WRITE):
        raise PermissionDenied("This token may not write.")
    audit.record(
        actor,
        found,
        action=AuditAction.DELETE,
        before={"user": found.user_id, "delegate": found.delegate_id},
    )
    found.delete()
