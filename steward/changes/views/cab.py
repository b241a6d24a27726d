"""The CAB agenda: changes waiting for authorisation, decided in one click each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from steward.changes import selectors, services
from steward.changes.filters import AgendaFilters
from steward.changes.forms import AgendaFilterForm, DecisionForm
from steward.changes.models import Change
from steward.changes.views.common import agents_only, unplaced
from steward.core.actor import Actor
from steward.core.filters import parse_query
from steward.web.forms import submit, wants_partial

AGENDA = "changes/agenda.html"


def _row(
    actor: Actor, change: Change, approvals: Iterable, delegators: set[int], **extra: Any
) -> dict[str, Any]:
    """A change of the agenda with each approval and whether the actor can decide it."""
    return {
        "change": change,
        "risk_reasons": selectors.change_risk_reasons(change),
        "approvals": [
            (a, selectors.can_decide(actor, a, change=change, delegators=delegators))
            for a in approvals
        ],
        **extra,
    }


def _agenda(actor: Actor, *, mine: bool | None = None) -> list[dict[str, Any]]:
    delegators = selectors.stand_in_for(actor)
    return [
        _row(actor, c, c.approvals.all(), delegators)
        for c in selectors.cab_agenda(actor, mine=mine)
    ]


@login_required
@require_GET
def agenda(request: HttpRequest) -> HttpResponse:
    """Soonest planned first; each change's conflicts load on demand (a CMDB walk each).
    The filter bar (``AgendaFilters``) narrows it to what awaits the reader's vote; htmx
    swaps the bar and the rows together and the address keeps the filter."""
    agents_only(request)
    filters, refused = parse_query(AgendaFilters, request.GET)
    bar = AgendaFilterForm({"mine": request.GET.get("mine", "")})
    bar.show_errors(refused)
    values = {
        "rows": _agenda(request.actor, mine=filters.mine),
        "form": DecisionForm(),
        "filters": bar,
        "refused": refused,
        "error": unplaced(refused, shown=tuple(bar.fields)),
    }
    partial = wants_partial(request) and request.GET.get("partial")
    template = f"{AGENDA}#listing" if partial else AGENDA
    return render(request, template, values, status=422 if refused else 200)


def _errors(form: forms.Form) -> str:
    """The refusal for the row's alert: a service's field message (a lower-case phrase) after
    its field's label, as every form shows it ("Comment: say why you reject the change")."""
    return " ".join(
        message if name == NON_FIELD_ERRORS else f"{form.fields[name].label}: {message}"
        for name, messages in form.errors.items()
        for message in messages
    )


@login_required
@require_POST
def decide(request: HttpRequest, number: str, approval_id: int) -> HttpResponse:
    """Approve or reject one approval; from the agenda (htmx) the change's row comes back,
    with the refusal in it (422) when the decision is refused."""
    actor = request.actor
    selectors.approval_get(actor, number=number, approval_id=approval_id)

    def row(**extra: Any) -> dict[str, Any]:
        change = selectors.change_get(actor, number=number)
        approvals = selectors.approval_list(actor, change)
        return _row(actor, change, approvals, selectors.stand_in_for(actor), **extra)

    def shown(_: object) -> HttpResponse | str:
        if not wants_partial(request):
            return reverse("changes:agenda")
        return render(request, f"{AGENDA}#row", {"row": row(), "form": DecisionForm()})

    def again(form: forms.Form) -> dict[str, Any]:
        # the refused approval's comment box keeps what was typed and, when the comment is
        # what is wrong (a rejection without a reason), is marked invalid: the focus goes to
        # it after the swap (steward.js), not back to the Reject button
        failed = row(
            error=_errors(form),
            failed_approval=approval_id,
            comment=form.data.get("comment", ""),
            comment_refused="comment" in form.errors,
        )
        rows = [failed if r["change"].number == number else r for r in _agenda(actor)]
        return {"row": failed, "rows": rows, "filters": AgendaFilterForm()}

    return submit(
        request,
        DecisionForm(request.POST),
        lambda f: services.approval_decide(
            actor,
            number=number,
            approval_id=approval_id,
            decision=f.cleaned_data["decision"],
            comment=f.cleaned_data["comment"],
        ),
        success=shown,
        template=AGENDA,
        context=again,
        partial="row",
    )
