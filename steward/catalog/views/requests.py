"""Requests: "my requests", a request's page (answers, approvals, tasks, activity), the
approvals waiting for me and the decision on one, replies."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from steward.catalog import selectors, services
from steward.catalog.choices import RequestStatus
from steward.catalog.filters import RequestFilters
from steward.catalog.forms import CommentForm, DecisionForm
from steward.catalog.models import Request
from steward.changes import selectors as change_selectors
from steward.core.actor import Actor
from steward.core.filters import parse_query
from steward.core.views.attachments import attachment_card
from steward.web import record_links
from steward.web.filter_forms import named_refusals
from steward.web.forms import submit, wants_partial

DETAIL = "catalog/request.html"
# a refused filter is named as the page names what it filters (its columns "Status" and
# "Item", the search), as the contracts and loans pages name theirs (decision 0123); a
# link's ``cursor`` or ``limit`` has no control and keeps its name
LIST_LABELS = {"status": _("Status"), "item": _("Item"), "q": _("Search")}


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """My requests (agents: ``?all=1`` lists every request they may see)."""
    filters, errors = parse_query(RequestFilters, request.GET)
    values = filters.dict()
    if not (request.actor.is_agent and request.GET.get("all")):
        values["mine"] = True
    page = selectors.request_list(request.actor, **values, brief=True)
    return render(
        request,
        "catalog/requests.html",
        {
            "page": page,
            "params": filters,
            "errors": named_refusals(errors, LIST_LABELS),
            "all": not values.get("mine"),
        },
        status=422 if errors else 200,
    )


def _record_links(actor: Actor, req: Request) -> list[record_links.RecordLink]:
    """What other apps offer the requester on her completed request's page: the surveys'
    "Rate" while her survey waits (decision 0128). Not asked on other pages (no statement)."""
    if req.status != RequestStatus.COMPLETED or actor.user is None:
        return []
    if req.requester_id != actor.user.pk:
        return []
    return record_links.links_for(actor, "request", req.pk)


def detail_context(actor: Actor, req: Request) -> dict:
    approvals = selectors.request_approvals(req)
    stages = req.plan.get("stages", [])
    return {
        "req": req,
        "answers": selectors.request_answers(req),
        "stages": [
            {
                "number": i + 1,
                "name": stage["name"],
                "needed": stage["needed"],
                "votes": [
                    (a, selectors.can_decide(actor, req, a)) for a in approvals if a.stage == i
                ],
            }
            for i, stage in enumerate(stages)
        ],
        "tasks": selectors.request_tasks(req, actor),
        "timeline": selectors.timeline(actor, req),
        "can_cancel": selectors.can_cancel_request(actor, req),
        "decision_form": DecisionForm(),
        "comment_form": CommentForm(),
        "attachments": attachment_card(actor, req),
        "record_links": _record_links(actor, req),
    }


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """A request's page; another person's request is the 404 page."""
    req = selectors.request_get(request.actor, number=number)
    return render(request, DETAIL, detail_context(request.actor, req))


def _on_detail(request: HttpRequest, req: Request, form, save, form_name: str) -> HttpResponse:  # noqa: ANN001
    """A form of the request's page: with htmx the record comes back in place (the new
    state on success, the form with its reasons on failure, 422); without, 303 to the page."""

    def done(_: object) -> HttpResponse | str:
        if wants_partial(request):
            fresh = selectors.request_get(request.actor, number=req.number)
            return render(request, f"{DETAIL}#record", detail_context(request.actor, fresh))
        return reverse("catalog:detail", args=[req.number])

    return submit(
        request,
        form,
        save,
        success=done,
        template=DETAIL,
        partial="record",
        context=lambda failed: detail_context(request.actor, req),
        form_name=form_name,
    )


@login_required
@require_POST
def decide(request: HttpRequest, number: str, approval_id: int) -> HttpResponse:
    """Approve or reject one's own vote, with a comment."""
    req = selectors.request_get(request.actor, number=number)
    return _on_detail(
        request,
        req,
        DecisionForm(request.POST),
        lambda f: services.approval_decide(
            request.actor, number=number, approval_id=approval_id, **f.cleaned_data
        ),
        "decision_form",
    )


@login_required
@require_POST
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    """The requester withdraws the request."""
    from django import forms

    req = selectors.request_get(request.actor, number=number)
    return _on_detail(
        request,
        req,
        forms.Form(request.POST),
        lambda f: services.request_cancel(request.actor, number=number),
        "cancel_form",
    )


@login_required
@require_POST
def comment(request: HttpRequest, number: str) -> HttpResponse:
    """A public reply on the request."""
    req = selectors.request_get(request.actor, number=number)
    return _on_detail(
        request,
        req,
        CommentForm(request.POST),
        lambda f: services.request_comment(
            request.actor, number=number, body=f.cleaned_data["body"]
        ),
        "comment_form",
    )


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    """The votes waiting for me, oldest first; for an agent, the changes waiting for her
    decision beside them (the module said "Nothing waits for your approval" to a CAB member
    with changes waiting)."""
    actor = request.actor
    changes = change_selectors.changes_awaiting(actor, limit=20) if actor.is_agent else []
    return render(
        request,
        "catalog/approvals.html",
        {"waiting": selectors.approvals_waiting(actor), "changes": changes},
    )
