"""Approvals: requested from the matching policies, decided by approvers (or their
delegates) in the UI, the API or an emailed signed link, reminded by the worker. Who stands
in for whom is kept in ``services.delegations``."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.changes import selectors
from steward.changes.choices import DECIDABLE_STATES, ApprovalState, Decision
from steward.changes.models import (
    ApprovalDecision,
    ApprovalReminder,
    Change,
    ChangeApproval,
)
from steward.changes.services.approvers import NoEligibleApprover, administrators, eligible, may_see
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Scope
from steward.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from steward.core.models import User
from steward.core.services.common import bump_version

LINK_SALT = "steward.changes.approval-link"
MAX_COMMENT = 5000


def approvals_request(actor: Actor, change: Change) -> None:
    """Replace a change's approvals by those its type and risk need now; call inside the
    change's transaction. No matching policy means not required. A required approval is
    never skipped: when nobody the policy names may decide it (the requester is the only
    change manager), the administrators are its approvers; with none either, the request
    is refused (``NoEligibleApprover``, 409) and nothing is written."""
    old = list(change.approvals.all())
    for approval in old:
        audit.record(actor, approval, action=AuditAction.DELETE, before={"state": approval.state})
    change.approvals.all().delete()
    created = []
    for policy in selectors.approval_policies_for(change):
        users = eligible(policy, change)
        if users is None:
            continue  # the policy names nobody (e.g. no impacted service has a lead)
        stand_in = not users
        if stand_in:
            users = administrators(policy, change)
        if not users:
            raise NoEligibleApprover(policy)
        approval = ChangeApproval.objects.create(
            change=change,
            policy=policy,
            label=policy.name,
            approver_kind=policy.approver_kind,
            quorum=max(1, min(policy.quorum, len(users))),
            forbid_self_approval=policy.forbid_self_approval,
        )
        approval.approvers.set(users)
        after = {
            "change": change.number,
            "label": approval.label,
            "quorum": approval.quorum,
            "approvers": sorted(u.username for u in users),
        }
        if stand_in:
            after["administrators_stand_in"] = True
        audit.record(actor, approval, action=AuditAction.CREATE, after=after)
        outbox.emit("change.approval_requested", approval, number=change.number)
        created.append(approval)
    change.approval_state = ApprovalState.PENDING if created else ApprovalState.NOT_REQUIRED


def _resolve_approver(
    actor: Actor, approval: ChangeApproval, approver_ids: set[int], on_behalf_of: str | None
) -> User:
    """Who this decision counts for: the actor, or the away approver they stand in for."""
    today = timezone.localdate()
    if on_behalf_of:
        user = User.objects.filter(username=on_behalf_of, is_active=True).first()
        if user is None or user.pk not in approver_ids:
            raise ValidationFailed.one("on_behalf_of", _("not an approver of this approval"))
        if user.pk not in selectors.delegators_of(actor.user.pk, today):
            raise PermissionDenied(
                _("You are not %(username)s's delegate today.") % {"username": user.username},
                fields={"on_behalf_of": [_("no delegation covering today")]},
            )
        return user
    if actor.user.pk in approver_ids:
        return actor.user
    decided = set(approval.decisions.values_list("approver_id", flat=True))
    standing_in = (selectors.delegators_of(actor.user.pk, today) & approver_ids) - decided
    if len(standing_in) > 1:
        raise ValidationFailed.one(
            "on_behalf_of", _("you stand in for several approvers: name one")
        )
    if not standing_in:
        raise PermissionDenied(
            _("You are not an approver of %(label)s and stand in for none of its approvers.")
            % {"label": repr(approval.label)},
            fields={"approver": [_("not an approver of this approval")]},
        )
    return User.objects.get(pk=standing_in.pop())


def _settle(approval: ChangeApproval) -> None:
    decisions = list(approval.decisions.values_list("decision", flat=True))
    if Decision.REJECT in decisions:
        approval.state = ApprovalState.REJECTED  # any rejection rejects
    elif decisions.count(Decision.APPROVE) >= approval.quorum:
        approval.state = ApprovalState.APPROVED
    else:
        return
    approval.decided_at = timezone.now()
    approval.save(update_fields=["state", "decided_at"])


def _withdraw_pending(actor: Actor, change: Change) -> None:
    """A rejection rejects the change, so its other pending approvals are asked of nobody
    any more: off the approvers' home pages, agendas and reminders, each change audited.
    Requesting authorisation again replaces every approval (``approvals_request``)."""
    pending = ChangeApproval.objects.select_for_update().filter(
        change=change, state=ApprovalState.PENDING
    )
    for approval in pending:  # decided_at stays empty: nobody decided it
        audit.record(
            actor,
            approval,
            before={"state": approval.state},
            after={"state": ApprovalState.NOT_REQUIRED},
        )
        approval.state = ApprovalState.NOT_REQUIRED
        approval.save(update_fields=["state"])


def _settle_change(actor: Actor, change: Change) -> None:
    states = list(change.approvals.values_list("state", flat=True))
    if ApprovalState.REJECTED in states:
        state = ApprovalState.REJECTED
    elif states and all(s == ApprovalState.APPROVED for s in states):
        state = ApprovalState.APPROVED
    else:
        state = ApprovalState.PENDING
    if state == ApprovalState.REJECTED:
        _withdraw_pending(actor, change)
    if state == change.approval_state:
        return
    before = {"approval_state": change.approval_state}
    change.approval_state = state
    bump_version(change, ["approval_state"])
    audit.record(actor, change, before=before, after={"approval_state": state})
    outbox.emit(f"change.{state}", change, number=change.number)


@transaction.atomic
def approval_decide(
    actor: Actor,
    *,
    number: str,
    approval_id: int,
    decision: str,
    comment: str = "",
    on_behalf_of: str | None = None,
) -> ChangeApproval:
    """Approve or reject one approval of a change, for oneself or as a delegate: twice is
    409, an outsider 403, one's own change 403 where the policy forbids it; any rejection
    rejects the change, the quorum of approvals approves it."""
    change = selectors.change_for_update(actor, number=number)
    approval = ChangeApproval.objects.select_for_update().filter(change=change, id=approval_id)
    approval = approval.first() if 0 < approval_id < 2**63 else None
    if approval is None:
        raise NotFound()
    if actor.user is None or not actor.has_scope(Scope.WRITE):
        raise PermissionDenied(_("Only a signed-in approver decides approvals."))
    if decision not in Decision.values:
        raise ValidationFailed.one("decision", _("approve or reject"))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed.one(
            "comment", _("at most %(MAX_COMMENT)s characters") % {"MAX_COMMENT": MAX_COMMENT}
        )
    if decision == Decision.REJECT and not comment:
        raise ValidationFailed.one("comment", _("say why you reject the change"))
    if approval.state != ApprovalState.PENDING:
        state = approval.get_state_display().lower()
        raise Conflict(
            _("This approval is already %(state)s.") % {"state": state},
            fields={"decision": [_("already %(state)s") % {"state": state}]},
        )
    if change.status not in DECIDABLE_STATES:
        raise Conflict(
            _("%(number)s is %(status)s; its approvals cannot be decided now.")
            % {"number": change.number, "status": change.status},
            fields={"decision": [_("change is %(status)s") % {"status": change.status}]},
        )
    approver_ids = set(approval.approvers.values_list("id", flat=True))
    own = {change.requester_id, change.assignee_id}
    if approval.forbid_self_approval and actor.user.pk in own:
        raise PermissionDenied(
            _("You may not approve your own change."),
            fields={"approver": [_("requester or assignee of this change")]},
        )
    approver = _resolve_approver(actor, approval, approver_ids, on_behalf_of)
    if approval.forbid_self_approval and approver.pk in own:
        raise PermissionDenied(
            _("An approver may not approve their own change."),
            fields={"approver": [_("requester or assignee of this change")]},
        )
    if approval.decisions.filter(approver=approver).exists():
        raise Conflict(
            _("%(username)s has already decided this approval.") % {"username": approver.username},
            fields={"decision": [_("already decided")]},
        )
    try:
        with transaction.atomic():
            made = ApprovalDecision.objects.create(
                approval=approval,
                approver=approver,
                decided_by=actor.user,
                decision=decision,
                comment=comment,
                channel=actor.channel,
            )
    except IntegrityError as exc:  # a concurrent duplicate lost the race
        raise Conflict(_("Already decided."), fields={"decision": [_("already decided")]}) from exc
    audit.record(
        actor,
        made,
        action=AuditAction.CREATE,
        after={
            "change": change.number,
            "approval": approval.label,
            "decision": decision,
            "comment": comment,
            "approver": approver.username,
            "on_behalf_of": approver.username if approver.pk != actor.user.pk else None,
        },
    )
    outbox.emit(
        "change.approval_decided",
        approval,
        number=change.number,
        decision=decision,
        approver=approver.username,
        decided_by=actor.user.username,
    )
    _settle(approval)
    _settle_change(actor, change)
    return approval


# --- signed links -------------------------------------------------------------------------


def approval_link_token(approval: ChangeApproval, *, approver: User, sent_to: User) -> str:
    """The secret of an emailed link: which approval, for whom, sent to whom (a delegate
    gets links for the approvers they stand in for). Signed, so it cannot be forged."""
    return signing.dumps(
        {"a": approval.pk, "u": approver.pk, "b": sent_to.pk}, salt=LINK_SALT, compress=True
    )


def approval_link_read(token: str) -> tuple[ChangeApproval, User, User]:
    """(approval, approver, sent_to) of a valid, unexpired link; 404 otherwise."""
    max_age = dt.timedelta(days=selectors.change_settings().link_valid_days)
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=max_age)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise NotFound(_("This link is invalid or has expired.")) from exc
    approval = ChangeApproval.objects.select_related("change").filter(pk=data.get("a")).first()
    users = {
        u.pk: u for u in User.objects.filter(pk__in=[data.get("u"), data.get("b")], is_active=True)
    }
    if approval is None or data.get("u") not in users or data.get("b") not in users:
        raise NotFound(_("This link is invalid or has expired."))
    if not may_see(users[data["b"]], approval.change):
        raise NotFound(_("This link is invalid or has expired."))  # no longer theirs to see
    return approval, users[data["u"]], users[data["b"]]


def approval_decide_by_link(
    token: str, *, decision: str, comment: str = "", channel: str = "email"
) -> ChangeApproval:
    """Decide through an emailed link: works once (the decision then exists), until it
    expires; the decision is the link owner's and audited like any other."""
    approval, approver, sent_to = approval_link_read(token)
    actor = Actor(user=sent_to, channel=channel)
    return approval_decide(
        actor,
        number=approval.change.number,
        approval_id=approval.pk,
        decision=decision,
        comment=comment,
        on_behalf_of=approver.username if approver.pk != sent_to.pk else None,
    )


# --- reminders ----------------------------------------------------------------------------


def approvals_remind(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Remind approvers of approvals pending longer than the reminder interval; the worker
    calls this periodically. Each (approval, interval) is reminded exactly once, however
    many workers run: the counter moves by compare-and-set and the reminder row is unique."""
    now = now or timezone.now()
    every = dt.timedelta(hours=selectors.change_settings().reminder_hours)
    due = list(
        ChangeApproval.objects.filter(
            state=ApprovalState.PENDING, change__status__in=DECIDABLE_STATES
        )
        .filter(
            Q(last_reminded_at__isnull=True, created_at__lte=now - every)
            | Q(last_reminded_at__lte=now - every)
        )
        .order_by("id")
        .values_list("id", "reminders_sent")[:batch]
    )
    system = Actor.system("approval-reminders")
    sent = 0
    for approval_id, seen in due:
        with transaction.atomic():
            moved = ChangeApproval.objects.filter(
                pk=approval_id, reminders_sent=seen, state=ApprovalState.PENDING
            ).update(reminders_sent=F("reminders_sent") + 1, last_reminded_at=now)
            if not moved:
                continue  # another worker reminded it, or it was decided meanwhile
            approval = ChangeApproval.objects.select_related("change").get(pk=approval_id)
            ApprovalReminder.objects.create(approval=approval, sequence=seen + 1)
            audit.record(
                system,
                approval,
                before={"reminders_sent": seen},
                after={"reminders_sent": seen + 1},
            )
            outbox.emit(
                "change.approval_reminder",
                approval,
                number=approval.change.number,
                sequence=seen + 1,
            )
            sent += 1
    return sent
