"""Linking incidents to a problem, from the problem page and from the panel the incident
page loads (matching known errors with one-click linking)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from steward.core import targets
from steward.core.actor import Actor
from steward.incidents import selectors as incident_selectors
from steward.problems import selectors, services
from steward.problems.forms import LinkForm
from steward.problems.views.records import submit_on_detail
from steward.web.forms import submit, wants_partial

PANEL = "problems/_incident_panel.html"


def _incident_suffix(actor: Actor, back: str) -> str:
    """The incident page's own query for its ``back`` (``?back=…``, rebuilt by the incidents
    app: ``TargetKind.way_back``), "" for none."""
    return targets.page_suffix(actor, targets.kind_named("incident"), back)


def panel_context(actor: Actor, incident_number: str, back: str = "") -> dict:
    """The panel of an incident the actor may see (``NotFound`` otherwise); ``back``: the
    incident page's way back, which its link forms carry."""
    incident = incident_selectors.incident_get(actor, number=incident_number.strip().upper())
    return {
        "incident": incident,
        "back_suffix": _incident_suffix(actor, back),
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
        back = request.GET.get("back", "")

        def linked_to(linked: str) -> HttpResponse | str:
            # htmx: the panel in place; without it, the incident page as it was opened
            if wants_partial(request):
                return render(request, PANEL, panel_context(actor, linked, back))
            page = reverse(targets.kind_named("incident").page, args=[linked])
            return f"{page}{_incident_suffix(actor, back)}#problem-panel"

        return submit(
            request,
            form,
            save,
            success=linked_to,
            template=PANEL,
            context=lambda f: panel_context(actor, incident_number, back),
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
    back = request.GET.get("back", "")
    return render(request, PANEL, panel_context(request.actor, incident_number, back))
