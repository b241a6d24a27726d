"""The problem workspace: queues, the record page, linking incidents, and the known-error
panel the incident page loads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.changes import selectors as change_selectors
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import DomainError, NotFound
from steward.incidents import selectors as incident_selectors
from steward.problems import selectors, services
from steward.problems.choices import PRIORITY_COLOURS, STATUS_COLOURS, Status
from steward.problems.forms import CommentForm, LinkForm, ProblemForm, UpdateForm
from steward.problems.workflow import PROBLEM_FLOW
from steward.web.forms import apply_error as _apply
from steward.web.pages import not_found as _not_found
from steward.web.pages import web_actor as _actor

QUEUE_LABELS = {
    "open": "All open",
    "mine": "My work",
    "my_teams": "My teams",
    "known_errors": "Known errors",
    "all": "Everything",
}


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """A queue with filters; htmx swaps only the rows."""
    actor = _actor(request)
    if not actor.is_agent:
        return _not_found(request)
    params = {
        "queue": request.GET.get("queue", "open"),
        "status": [s for s in request.GET.getlist("status") if s],
        "priority": [
            int(p) for p in request.GET.getlist("priority") if p.isdecimal() and len(p) < 10
        ],
        "team": request.GET.get("team", ""),
        "q": request.GET.get("q", "").strip(),
        "cursor": request.GET.get("cursor") or None,
    }
    try:
        page = selectors.problem_list(actor, **params)
    except DomainError as exc:
        return render(
            request,
            "problems/queue.html",
            {"error": exc.message, "page": None, "params": params},
            status=exc.status,
        )
    context = {
        "page": page,
        "params": params,
        "queues": QUEUE_LABELS,
        "status_colours": STATUS_COLOURS,
        "priority_colours": PRIORITY_COLOURS,
        "statuses": Status.choices,
        "teams": core_selectors.team_list(actor, limit=200).items,
    }
    template = (
        "problems/queue.html#rows"
        if request.htmx and not request.htmx.boosted and request.GET.get("partial")
        else "problems/queue.html"
    )
    return render(request, template, context)


def _form_choices(actor: Actor) -> dict:
    return {
        "categories": incident_selectors.category_list(),
        "teams": core_selectors.team_list(actor, limit=200).items,
    }


def _initial_from_incident(actor: Actor, number: str) -> dict:
    """The form prefilled from an incident the actor may see (nothing if it is not)."""
    try:
        incident = incident_selectors.incident_get(actor, number=number)
    except NotFound:
        return {}
    category = incident.subcategory or incident.category
    return {
        "from_incident": incident.number,
        "title": incident.title,
        "description": f"Raised from {incident.number}.\n\n{incident.description}".strip(),
        "category": category.slug if category else "",
        "impact": incident.impact,
        "urgency": incident.urgency,
        "configuration_item": incident.configuration_item,
    }


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """New problem; ``?incident=INC…`` prefills it from that incident and links it."""
    actor = _actor(request)
    if not actor.is_agent:
        return _not_found(request)
    initial = {}
    if request.method == "GET" and request.GET.get("incident"):
        initial = _initial_from_incident(actor, request.GET["incident"].strip().upper())
    form = ProblemForm(request.POST or None, initial=initial, **_form_choices(actor))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                problem = services.problem_create(actor, **form.changes())
            except DomainError as exc:
                _apply(form, exc)
            else:
                return redirect("problems:detail", number=problem.number)
    return render(
        request,
        "problems/new.html",
        {"form": form},
        status=status,
    )


def _detail_context(actor: Actor, problem, **extra) -> dict:  # noqa: ANN001
    comments = selectors.problem_comments(actor, problem)
    history = core_selectors.record_history(actor, problem)
    timeline = sorted(
        [("comment", c.created_at, c) for c in comments] + [("audit", h.at, h) for h in history],
        key=lambda t: t[1],
        reverse=True,
    )
    moves = [
        (t, PROBLEM_FLOW.transition(problem.status, t).label or t)
        for t in selectors.problem_allowed_transitions(actor, problem)
    ]
    return {
        "problem": problem,
        "incidents": selectors.problem_incidents(actor, problem),
        "changes": list(
            change_selectors.change_visible(actor)
            .filter(problems=problem)
            .only("number", "title", "status")
            .order_by("number")
        ),
        "timeline": timeline,
        "labels": selectors.reference_labels(history),
        "transitions": moves,
        "status_colours": STATUS_COLOURS,
        "priority_colours": PRIORITY_COLOURS,
        "comment_form": CommentForm(),
        "link_form": extra.pop("link_form", None) or LinkForm(),
        **extra,
    }


def _render_detail(request, actor, number, *, status=200, **extra) -> HttpResponse:  # noqa: ANN001
    try:
        problem = selectors.problem_get(actor, number=number)
    except NotFound:
        return _not_found(request)
    # Fields show the form's values: the record's, or what was typed when a save failed.
    initial = {
        "version": problem.version,
        "team": problem.team.slug if problem.team else "",
        "assignee": problem.assignee.username if problem.assignee else "",
        "impact": problem.impact,
        "urgency": problem.urgency,
        "workaround": problem.workaround,
        "root_cause": problem.root_cause,
        "resolution_notes": problem.resolution_notes,
    }
    extra.setdefault("form", UpdateForm(initial=initial))
    return render(
        request, "problems/detail.html", _detail_context(actor, problem, **extra), status=status
    )


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render_detail(request, _actor(request), number)


@login_required
@require_POST
def update(request: HttpRequest, number: str) -> HttpResponse:
    """Save edits or a status move; a stale version shows an error and offers a reload."""
    actor = _actor(request)
    try:
        problem = selectors.problem_get(actor, number=number)
    except NotFound:
        return _not_found(request)
    form = UpdateForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.problem_update(
                actor,
                number=number,
                expected_version=form.cleaned_data["version"],
                changes=form.changes(problem),
            )
        except NotFound:
            return _not_found(request)
        except DomainError as exc:
            _apply(form, exc)
            # htmx (the boosted form) swaps only 2xx and 422 (web/base.html): a stale
            # version or a conflict must still show the form with its message and Reload
            status = 422 if request.htmx else exc.status
        else:
            return redirect("problems:detail", number=number)
    return _render_detail(request, actor, number, status=status, form=form)


@login_required
@require_POST
def comment(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.problem_comment(
                actor,
                number=number,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
            )
        except NotFound:
            return _not_found(request)
        except DomainError as exc:
            return _render_detail(request, actor, number, status=exc.status)
    return redirect("problems:detail", number=number)


@login_required
@require_POST
def link(request: HttpRequest, number: str) -> HttpResponse:
    """Link an incident; from the incident page's panel (htmx) the panel comes back."""
    actor = _actor(request)
    form = LinkForm(request.POST)
    panel_for = request.POST.get("panel")
    status = 422
    if form.is_valid():
        try:
            services.problem_link_incident(
                actor, number=number, incident=form.cleaned_data["incident"]
            )
        except NotFound:
            return _not_found(request)
        except DomainError as exc:
            _apply(form, exc)
            status = exc.status
        else:
            if panel_for:
                return _panel(request, actor, form.cleaned_data["incident"])
            return redirect("problems:detail", number=number)
    if panel_for:
        # the panel again with the reason; 422 so htmx swaps it in (web/base.html)
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _panel(request, actor, request.POST.get("incident", ""), error=message, status=422)
    return _render_detail(request, actor, number, status=status, link_form=form)


@login_required
@require_POST
def unlink(request: HttpRequest, number: str, incident_number: str) -> HttpResponse:
    actor = _actor(request)
    try:
        services.problem_unlink_incident(actor, number=number, incident=incident_number)
    except NotFound:
        return _not_found(request)
    except DomainError as exc:
        return _render_detail(request, actor, number, status=exc.status)
    return redirect("problems:detail", number=number)


@login_required
@require_GET
def for_incident(request: HttpRequest, incident_number: str) -> HttpResponse:
    """The incident page's panel: matching known errors with one-click linking, and the
    problems the incident is already linked to. Requesters get nothing."""
    return _panel(request, _actor(request), incident_number)


def _panel(
    request: HttpRequest, actor: Actor, incident_number: str, *, error: str = "", status: int = 200
) -> HttpResponse:
    if not actor.is_agent:
        return HttpResponse("")
    try:
        incident = incident_selectors.incident_get(actor, number=incident_number.strip().upper())
    except NotFound:
        return _not_found(request)
    return render(
        request,
        "problems/_incident_panel.html",
        {
            "incident": incident,
            "suggestions": selectors.known_errors_for_incident(actor, incident),
            "linked": selectors.problems_of_incident(actor, incident),
            "status_colours": STATUS_COLOURS,
            "error": error,
        },
        status=status,
    )
