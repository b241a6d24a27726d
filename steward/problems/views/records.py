"""The problem record pages: raising a problem (also from an incident), its page with the
edit form and status moves, and notes on it.

``request.actor`` is the signed-in person (``web.middleware.ActorMiddleware``); a problem
they may not see raises ``NotFound``, which the error-page middleware answers with the 404
page. Forms are saved through ``web.forms.submit`` (303 on success, 422 with the form).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.views.attachments import attachment_card
from steward.incidents import selectors as incident_selectors
from steward.problems import selectors, services
from steward.problems.forms import CommentForm, LinkForm, ProblemForm, UpdateForm
from steward.problems.models import Problem
from steward.web.forms import submit
from steward.web.pickers import set_label

DETAIL = "problems/detail.html"


def detail_url(number: str) -> str:
    return reverse("problems:detail", args=[number])


def _form_choices(actor: Actor) -> dict:
    return {
        "categories": incident_selectors.category_choices(),
        "teams": core_selectors.team_choices(actor),
    }


def _initial_from_incident(actor: Actor, number: str) -> dict:
    """The form prefilled from an incident the actor may see (nothing if it is not)."""
    try:
        incident = incident_selectors.incident_get(actor, number=number)
    except NotFound:
        return {}  # a typed or stale address: an empty form, not an error page
    category = incident.subcategory or incident.category
    return {
        "from_incident": incident.number,
        "title": incident.title,
        # the form's text, in the agent's language (the API's default, in the service, is
        # English like every stored text)
        "description": (
            gettext("Raised from %(number)s.") % {"number": incident.number}
            + f"\n\n{incident.description}"
        ).strip(),
        "category": category.slug if category else "",
        "impact": incident.impact,
        "urgency": incident.urgency,
        "configuration_item": incident.configuration_item.number
        if incident.configuration_item
        else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """New problem; ``?incident=INC…`` prefills it from that incident and links it."""
    actor = request.actor
    if not actor.is_agent:
        raise NotFound()  # problems are IT's: a requester gets the page an unknown one gets
    if request.method == "POST":
        form = ProblemForm(request.POST, **_form_choices(actor))
        return submit(
            request,
            form,
            lambda f: services.problem_create(actor, **f.changes()),
            success=lambda problem: detail_url(problem.number),
            template="problems/new.html",
        )
    initial = {}
    if request.GET.get("incident"):
        initial = _initial_from_incident(actor, request.GET["incident"].strip().upper())
    form = ProblemForm(initial=initial, **_form_choices(actor))
    return render(request, "problems/new.html", {"form": form})


def _edit_initial(problem: Problem) -> dict:
    """The edit form shows the record's values."""
    return {
        "version": problem.version,
        "team": problem.team.slug if problem.team else "",
        "assignee": problem.assignee.username if problem.assignee else "",
        "impact": problem.impact,
        "urgency": problem.urgency,
        "workaround": problem.workaround,
        "root_cause": problem.root_cause,
        "resolution_notes": problem.resolution_notes,
    }


def _update_form(problem: Problem) -> UpdateForm:
    """The edit form as the record is; the pickers show the team's and agent's names."""
    form = UpdateForm(initial=_edit_initial(problem))
    set_label(form, "team", problem.team.name if problem.team else "")
    if problem.assignee:
        set_label(form, "assignee", problem.assignee.get_full_name() or problem.assignee.username)
    return form


def detail_context(actor: Actor, problem: Problem) -> dict:
    """Everything the record page shows; the forms are fresh unless a failed one replaces
    its own (``submit`` passes it under its name)."""
    return {
        "problem": problem,
        "can": selectors.problem_capabilities(actor, problem),
        "incidents": selectors.problem_incidents(actor, problem),
        "changes": selectors.problem_changes(actor, problem),
        "timeline": selectors.problem_timeline(actor, problem),
        "form": _update_form(problem),
        "comment_form": CommentForm(),
        "link_form": LinkForm(problem=problem.number),
        "unlink_form": forms.Form(),
        "attachments": attachment_card(actor, problem),
    }


def submit_on_detail(
    request: HttpRequest,
    problem: Problem,
    form: forms.Form,
    save: Callable[[forms.Form], object],
    *,
    form_name: str = "form",
) -> HttpResponse:
    """Save a form of the record page: back to the page on success, the page again with
    the failed form (under ``form_name``, the others fresh) and 422 otherwise."""
    return submit(
        request,
        form,
        save,
        success=detail_url(problem.number),
        template=DETAIL,
        context=lambda failed: detail_context(request.actor, problem),
        form_name=form_name,
    )


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """The record page: fields, linked incidents and changes, timeline, the moves on offer."""
    problem = selectors.problem_get(request.actor, number=number)
    return render(request, DETAIL, detail_context(request.actor, problem))


@login_required
@require_POST
def edit(request: HttpRequest, number: str) -> HttpResponse:
    """Save edits or a status move; a stale version shows an error and offers a reload."""
    problem = selectors.problem_get(request.actor, number=number)
    return submit_on_detail(
        request,
        problem,
        UpdateForm(request.POST),
        lambda f: services.problem_update(
            request.actor,
            number=number,
            expected_version=f.cleaned_data["version"],
            changes=f.changes(problem),
        ),
    )


@login_required
@require_POST
def comment(request: HttpRequest, number: str) -> HttpResponse:
    """Add a note; the page comes back with it in the timeline."""
    problem = selectors.problem_get(request.actor, number=number)
    return submit_on_detail(
        request,
        problem,
        CommentForm(request.POST),
        lambda f: services.problem_comment(request.actor, number=number, **f.cleaned_data),
        form_name="comment_form",
    )
