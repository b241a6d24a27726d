"""Approval votes: each approver decides their own vote; a stage passes when its quorum is
met and fails when it can no longer be met; the next stage, fulfilment or rejection follows
in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.catalog import selectors
from steward.catalog.choices import Decision, RequestStatus
from steward.catalog.models import Approval
from steward.catalog.services.requests import _move, open_stage, start_fulfilment
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from steward.core.services.common import bump_version

MAX_COMMENT = 4000


@transaction.atomic
def approval_decide(
    actor: Actor, *, number: str, approval_id: int, decision: str, comment: str = ""
) -> Approval:
    """Approve or reject one's own vote on a request's current stage; nobody (not even an
    administrator) decides another person's vote."""
    if decision not in (Decision.APPROVED, Decision.REJECTED):
        raise ValidationFailed.one("decision", _("approved or rejected"))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed.one(
            "comment", _("at most %(limit)s characters") % {"limit": MAX_COMMENT}
        )
    request = selectors.request_for_update(actor, number=number)
    approval = request.approvals.select_for_update().filter(pk=approval_id).first()
    if approval is None:
        raise NotFound()
    if actor.user is None or approval.approver_id != actor.user.pk:
        raise PermissionDenied(
            _("You may only decide your own approval."), fields={"approval": [_("not yours")]}
        )
    if not selectors.can_decide(actor, request, approval):
        raise Conflict(
            _("%(number)s is not waiting for this vote.") % {"number": request.number},
            fields={
                "decision": [
                    _("already %(decision)s, request %(status)s")
                    % {"decision": approval.decision, "status": request.status}
                ]
            },
        )
    approval.decision = decision
    approval.comment = comment
    approval.decided_at = timezone.now()
    approval.save(update_fields=["decision", "comment", "decided_at"])
    audit.record(
        actor,
        approval,
        before={"decision": Decision.PENDING},
        after={"decision": decision, "comment": comment, "request": request.number},
    )
    outbox.emit(
        "request.decided", request, number=request.number, approval=approval.pk, decision=decision
    )
    _settle_stage(actor, request)
    return approval


def _settle_stage(actor: Actor, request) -> None:  # noqa: ANN001 - a locked Request
    """Pass or fail the stage under way once its votes allow, else wait for more."""
    stage = request.plan["stages"][request.stage]
    votes = list(request.approvals.filter(stage=request.stage).values_list("decision", flat=True))
    approved = votes.count(Decision.APPROVED)
    rejected = votes.count(Decision.REJECTED)
    needed = stage["needed"]
    if approved < needed and len(votes) - rejected >= needed:
        return  # still possible either way: wait
    request.approvals.filter(stage=request.stage, decision=Decision.PENDING).update(
        decision=Decision.NOT_NEEDED
    )
    if approved < needed:
        _move(actor, request, RequestStatus.REJECTED, stage=request.stage)
    elif request.stage + 1 < len(request.plan["stages"]):
        open_stage(request, request.stage + 1)
        bump_version(request, ["stage"])
    else:
        start_fulfilment(actor, request)
