"""Agents' saved queue filters: save the current one under a name, delete one."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from steward.incidents import services
from steward.incidents.forms import SavedViewForm
from steward.incidents.views.queue import QUEUE, queue_context
from steward.web.forms import submit


@login_required
@require_POST
def save_view(request: HttpRequest) -> HttpResponse:
    """Save the queue's current filters under a name (per user); the queue opens with them."""
    return submit(
        request,
        SavedViewForm(request.POST),
        lambda f: services.saved_view_save(request.actor, **f.cleaned_data),
        success=lambda view: f"{reverse('incidents:list')}?{view.query}",
        template=QUEUE,
        partial="save_view",  # htmx: the form in place with the reason, the address unchanged
        context=lambda f: queue_context(request),
        form_name="save_view_form",
    )


@login_required
@require_POST
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    """Delete one of the actor's saved views (another's is not found)."""
    return submit(
        request,
        forms.Form(request.POST),
        lambda f: services.saved_view_delete(request.actor, view_id=view_id),
        success="incidents:list",
        template=QUEUE,
        context=lambda f: queue_context(request),
    )
