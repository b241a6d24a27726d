"""The CAB agenda: changes waiting for authorisation, decided in one click each."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from steward.changes import selectors, services
from steward.changes.choices import ApprovalState
from steward.changes.forms import DecisionForm
from steward.changes.models import Change, ChangeApproval
from steward.changes.pages.common import actor_of, context, not_found, partial_requested
from steward.core.actor import Actor
from steward.core.errors import DomainError, NotFound


def _mine(actor: Actor, approval: ChangeApproval, stand_in_for: set[int]) -> bool:
    """Whether to offer the buttons: the actor (or someone they stand in for) is an
    undecided approver. Only a hint: ``approval_decide`` makes the real decision."""
    if actor.user is None or approval.state != ApprovalState.PENDING:
        return False
    approvers = {u.pk for u in approval.approvers.all()}
    decided = {d.approver_id for d in approval.decisions.all()}
    return bool(({actor.user.pk} | stand_in_for) & (approvers - decided))


def _row(actor: Actor, change: Change, stand_in_for: set[int]) -> dict[str, Any]:
    return {
        "change": change,
        "approvals": [(a, _mine(actor, a, stand_in_for)) for a in change.approvals.all()],
    }


def _stand_in_for(actor: Actor) -> set[int]:
    if actor.user is None:
        return set()
    return selectors.delegators_of(actor.user.pk, timezone.localdate())


@login_required
@require_GET
def agenda(request: HttpRequest) -> HttpResponse:
    """Soonest planned first; each change's conflicts load on demand (a CMDB walk each)."""
    actor = actor_of(request)
    if not actor.is_agent:
        return not_found(request)
    stand_in_for = _stand_in_for(actor)
    rows = [_row(actor, c, stand_in_for) for c in selectors.cab_agenda(actor)]
    return render(request, "changes/pages/agenda.html", context(rows=rows, form=DecisionForm()))


@login_required
@require_POST
def decide(request: HttpRequest, number: str, approval_id: int) -> HttpResponse:
    """Approve or reject one approval; a refusal shows in the change's row."""
    actor = actor_of(request)
    try:
        selectors.approval_get(actor, number=number, approval_id=approval_id)
    except NotFound:
        return not_found(request)
    form = DecisionForm(request.POST)
    error, status = "", 200
    if form.is_valid():
        try:
            services.approval_decide(
                actor,
                number=number,
                approval_id=approval_id,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except NotFound:
            return not_found(request)
        except DomainError as exc:
            error, status = exc.message, exc.status
    else:
        error, status = "Choose approve or reject.", 422
    if not partial_requested(request):
        if error:
            from django.contrib import messages

            messages.error(request, error)
        return redirect("changes:agenda")
    change = selectors.change_get(actor, number=number)
    stand_in_for = _stand_in_for(actor)
    row = {
        "change": change,
        "approvals": [
            (a, _mine(actor, a, stand_in_for)) for a in selectors.approval_list(actor, change)
        ],
        "error": error,
        "failed_approval": approval_id if error else None,
    }
    # htmx swaps 422 only (base.html): a refusal is shown in place, whatever its status
    return render(
        request,
        "changes/pages/agenda.html#row",
        context(row=row, form=form),
        status=422 if error else status,
    )
