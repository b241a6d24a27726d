"""The agent workspace for incidents: queues, the record page, quick actions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.cmdb import selectors as cmdb_selectors
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import DomainError, NotFound
from steward.incidents import selectors, services
from steward.incidents.choices import PRIORITY_COLOURS, STATUS_COLOURS, Status
from steward.incidents.forms import CommentForm, IncidentForm, UpdateForm
from steward.incidents.models import Incident
from steward.incidents.workflow import INCIDENT_FLOW
from steward.web.forms import apply_error as _apply
from steward.web.pages import web_actor as _actor

QUEUE_LABELS = {
    "mine": "My work",
    "my_teams": "My teams",
    "unassigned": "Unassigned",
    "breaching": "Breaching soon",
    "major": "Major incidents",
    "open": "All open",
    "all": "Everything",
}
# A requester's queue is only ever their own incidents: the agents' tabs would all be empty.
REQUESTER_QUEUE_LABELS = {"open": "Open", "all": "Everything"}


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """A queue with filters and sorting; htmx swaps only the rows."""
    actor = _actor(request)
    default = "my_teams" if actor.is_agent else "all"
    params = {
        "queue": request.GET.get("queue", default),
        "status": request.GET.getlist("status"),
        "priority": [
            int(p) for p in request.GET.getlist("priority") if p.isdecimal() and len(p) < 10
        ],
        "team": request.GET.get("team", ""),
        "q": request.GET.get("q", "").strip(),
        "order": request.GET.get("order", "priority"),
        "breached": {"true": True, "false": False}.get(request.GET.get("breached", "")),
        "cursor": request.GET.get("cursor") or None,
    }
    try:
        page = selectors.incident_list(actor, **params)
    except DomainError as exc:
        return render(
            request,
            "incidents/queue.html",
            {"error": exc.message, "page": None, "params": params},
            status=exc.status,
        )
    context = {
        "saved_views": selectors.saved_views(actor) if actor.is_agent else [],
        "page": page,
        "params": params,
        "queues": QUEUE_LABELS if actor.is_agent else REQUESTER_QUEUE_LABELS,
        "is_agent": actor.is_agent,
        "status_colours": STATUS_COLOURS,
        "priority_colours": PRIORITY_COLOURS,
        "statuses": Status.choices,
        "teams": core_selectors.team_list(actor, limit=200).items if actor.is_agent else [],
    }
    template = (
        "incidents/queue.html#rows"
        if request.htmx and not request.htmx.boosted and request.GET.get("partial")
        else "incidents/queue.html"
    )
    return render(request, template, context)


def _form_choices(actor: Actor) -> dict:
    cats = selectors.category_list()
    return {
        "categories": [c for c in cats if c.parent_id is None],
        "subcategories": [c for c in cats if c.parent_id is not None],
        "teams": core_selectors.team_list(actor, limit=200).items if actor.is_agent else [],
        "agent": actor.is_agent,
    }


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = IncidentForm(request.POST or None, **_form_choices(actor))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                incident = services.incident_create(actor, **form.changes())
            except DomainError as exc:
                _apply(form, exc)
            else:
                return redirect("incidents:detail", number=incident.number)
    return render(request, "incidents/new.html", {"form": form}, status=status)


@login_required
@require_GET
def priority_preview(request: HttpRequest) -> HttpResponse:
    """The priority the matrix gives, shown live while the form is filled in."""
    try:
        impact, urgency = int(request.GET["impact"]), int(request.GET["urgency"])
    except (KeyError, ValueError):
        return HttpResponse("—")
    if not (1 <= impact <= 3 and 1 <= urgency <= 3):
        return HttpResponse("—")
    priority = selectors.priority_for(impact, urgency)
    return render(
        request,
        "incidents/new.html#priority",
        {"priority": priority, "priority_colours": PRIORITY_COLOURS},
    )


def _impact(actor: Actor, incident: Incident):  # noqa: ANN202 - cmdb Impact or None
    """The business services hit through the incident's CI, if it names one we may see."""
    if not incident.configuration_item or not actor.is_agent:
        return None
    try:
        return cmdb_selectors.impact(actor, number=incident.configuration_item, direction="up")
    except NotFound:
        return None


def _detail_context(actor: Actor, incident, **extra) -> dict:  # noqa: ANN001
    from steward.core.selectors import record_history

    comments = selectors.incident_comments(actor, incident)
    history = record_history(actor, incident) if actor.is_agent else []
    timeline = sorted(
        [("comment", c.created_at, c) for c in comments] + [("audit", h.at, h) for h in history],
        key=lambda t: t[1],
        reverse=True,
    )
    moves = [
        (t, INCIDENT_FLOW.transition(incident.status, t).label or t)
        for t in selectors.incident_allowed_transitions(actor, incident)
    ]
    return {
        "incident": incident,
        "impact": _impact(actor, incident),
        "timeline": timeline,
        "labels": selectors.reference_labels(history),
        "transitions": moves,
        "status_colours": STATUS_COLOURS,
        "priority_colours": PRIORITY_COLOURS,
        "comment_form": CommentForm(),
        "is_agent": actor.is_agent,
        **extra,
    }


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    try:
        incident = selectors.incident_get(actor, number=number)
    except NotFound:
        return render(request, "web/404.html", status=404)
    # The form starts from the record: a blank select would read as "clear it" on Save.
    form = UpdateForm(
        initial={
            "version": incident.version,
            "team": incident.team.slug if incident.team else "",
            "assignee": incident.assignee.username if incident.assignee else "",
            "impact": incident.impact,
            "urgency": incident.urgency,
            "on_hold_reason": incident.on_hold_reason,
            "resolution_code": incident.resolution_code,
            "resolution_notes": incident.resolution_notes,
        }
    )
    return render(request, "incidents/detail.html", _detail_context(actor, incident, form=form))


@login_required
@require_POST
def update(request: HttpRequest, number: str) -> HttpResponse:
    """Save edits or a status move; a stale version shows an error and offers a reload."""
    actor = _actor(request)
    try:
        incident = selectors.incident_get(actor, number=number)
    except NotFound:
        return render(request, "web/404.html", status=404)
    form = UpdateForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.incident_update(
                actor,
                number=number,
                expected_version=form.cleaned_data["version"],
                changes=form.changes(incident),
            )
        except DomainError as exc:
            _apply(form, exc)
            status = exc.status
        else:
            return redirect("incidents:detail", number=number)
    incident = selectors.incident_get(actor, number=number)
    return render(
        request, "incidents/detail.html", _detail_context(actor, incident, form=form), status=status
    )


@login_required
@require_POST
def take(request: HttpRequest, number: str) -> HttpResponse:
    """Quick action: assign to me and start work."""
    actor = _actor(request)
    try:
        services.incident_take(actor, number=number)
    except NotFound:
        return render(request, "web/404.html", status=404)
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"/incidents/{number}/"
        return response
    return redirect("incidents:detail", number=number)


@login_required
@require_POST
def comment(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.incident_comment(
                actor,
                number=number,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
            )
        except NotFound:
            return render(request, "web/404.html", status=404)
        except DomainError as exc:
            _apply(form, exc)
    return redirect("incidents:detail", number=number)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Bulk assign to me, or close resolved ones; each goes through the service."""
    actor = _actor(request)
    action = request.POST.get("action")
    done, failed = 0, []
    for number in request.POST.getlist("numbers")[:200]:
        changes = {
            "assign_me": {"assignee": request.user.username},
            "close": {"status": Status.CLOSED},
        }.get(action)
        if changes is None:
            return HttpResponse("Unknown action", status=400)
        try:
            services.incident_update(actor, number=number, expected_version=None, changes=changes)
            done += 1
        except DomainError as exc:
            failed.append(f"{number}: {exc.message}")
    from django.contrib import messages

    messages.info(
        request, f"{done} updated." + (f" Not updated: {'; '.join(failed)}" if failed else "")
    )
    target = request.POST.get("next", "")
    # only back to a queue page of ours, never elsewhere
    return redirect(target if target.startswith("/incidents/?") else "incidents:queue")


@login_required
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    """Save the queue's current filters under a name (per user)."""
    from django.contrib import messages

    try:
        view = services.saved_view_save(
            _actor(request), name=request.POST.get("name", ""), query=request.POST.get("query", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("incidents:queue")
    return redirect(f"/incidents/?{view.query}")


@login_required
@require_POST
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    services.saved_view_delete(_actor(request), view_id=view_id)
    return redirect("incidents:queue")
