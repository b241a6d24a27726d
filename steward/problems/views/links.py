"""Linking incidents to a problem, from the problem page and from the panel the incident
page loads (matching known errors with one-click linking)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from steward.core.actor import Actor
from steward.incidents import selectors as incident_selectors
from steward.problems import selectors, services
from steward.problems.forms import LinkForm
from steward.problems.views.records import submit_on_detail
from steward.web.forms import submit

PANEL = "problems/_incident_panel.html"


def panel_context(actor: Actor, incident_number: str) -> dict:
    """The panel of an incident the actor may see (``NotFound`` otherwise)."""
    incident = incident_selectors.incident_get(actor, number=incident_number.strip().upper())
    return {
        "incident": incident,
        "suggestions": selectors.known_errors_for_incident(actor, incident),
        "linked": selectors.problems_of_incident(actor, incident),
    }


@login_required
@require_POST
def link(request: HttpRequest, number: str) -> HttpResponse:
    """Link an incident; from the incident page's panel (htmx) the panel comes back, with
    the reason and a 422 (which htmx swaps) when the link is refused."""
    actor = request.actor
    form = LinkForm(request.POST, problem=number)

    def save(f: forms.Form) -> str:
        services.problem_link_incident(actor, number=number, incident=f.cleaned_data["incident"])
        return f.cleaned_data["incident"]

    if request.POST.get("panel"):
        incident_number = request.POST.get("incident", "")
        return submit(
            request,
            form,
            save,
            success=lambda linked: render(request, PANEL, panel_context(actor, linked)),
            template=PANEL,
            context=lambda f: panel_context(actor, incident_number),
            form_name="link_form",
        )
    problem = selectors.problem_get(actor, number=number)
    return submit_on_detail(request, problem, form, save, form_name="link_form")


@login_required
@require_POST
def unlink(request: HttpRequest, number: str, incident_number: str) -> HttpResponse:
    """Remove an incident's link; the problem page comes back."""
    problem = selectors.problem_get(request.actor, number=number)
    return submit_on_detail(
        request,
        problem,
        forms.Form(request.POST),
        lambda f: services.problem_unlink_incident(
            request.actor, number=number, incident=incident_number
        ),
        form_name="unlink_form",
    )


@login_required
@require_GET
def for_incident(request: HttpRequest, incident_number: str) -> HttpResponse:
    """The incident page's panel: matching known errors with one-click linking, and the
    problems the incident is already linked to. Requesters get nothing."""
    if not request.actor.is_agent:
        return HttpResponse("")
    return render(request, PANEL, panel_context(request.actor, incident_number))
