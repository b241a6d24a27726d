"""The fulfilment teams' task queue and a task's page (take, complete)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from steward.catalog import selectors, services
from steward.catalog.filters import TaskFilters
from steward.catalog.forms import TaskCompleteForm, TaskTakeForm
from steward.catalog.models import Task
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.filters import parse_query
from steward.web.forms import submit, wants_partial

DETAIL = "catalog/task.html"
QUEUES = (
    ("my_teams", _("My teams")),
    ("mine", _("Mine")),
    ("open", _("All open")),
    ("all", _("Everything")),
)
SLA_STATES = (("", _("Any")), ("breached", _("SLA breached")), ("due_soon", _("Due soon")))


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """Open tasks of my teams by default; the tabs pick another queue, the SLA links narrow
    it to breached or nearly due tasks (kept when the queue changes)."""
    if not request.actor.is_agent:
        raise NotFound()
    filters, errors = parse_query(TaskFilters, request.GET, defaults={"queue": "my_teams"})
    page = selectors.task_list(request.actor, **filters.dict())
    return render(
        request,
        "catalog/tasks.html",
        {
            "page": page,
            "params": filters,
            "errors": errors,
            "queues": QUEUES,
            "sla_states": SLA_STATES,
        },
        status=422 if errors else 200,
    )


def detail_context(actor: Actor, task: Task) -> dict:
    req = task.request
    return {
        "task": task,
        "req": req,
        "answers": selectors.request_answers(req),
        "can": selectors.task_capabilities(actor, task),
        "take_form": TaskTakeForm(initial={"version": task.version}),
        "complete_form": TaskCompleteForm(initial={"version": task.version}),
        "timeline": selectors.timeline(actor, task),
    }


@login_required
@require_GET
def detail(request: HttpRequest, number: str) -> HttpResponse:
    task = selectors.task_get(request.actor, number=number)
    return render(request, DETAIL, detail_context(request.actor, task))


def _on_detail(request: HttpRequest, task: Task, form, save, name: str) -> HttpResponse:  # noqa: ANN001
    """Take or Complete: with htmx the task comes back in place (its new state, or the form
    with its reasons, 422); without, 303 to the task's page."""

    def done(_: object) -> HttpResponse | str:
        if wants_partial(request):
            fresh = selectors.task_get(request.actor, number=task.number)
            return render(request, f"{DETAIL}#record", detail_context(request.actor, fresh))
        return reverse("catalog:task_detail", args=[task.number])

    return submit(
        request,
        form,
        save,
        success=done,
        template=DETAIL,
        partial="record",
        context=lambda failed: detail_context(request.actor, task),
        form_name=name,
    )


@login_required
@require_POST
def take(request: HttpRequest, number: str) -> HttpResponse:
    task = selectors.task_get(request.actor, number=number)
    return _on_detail(
        request,
        task,
        TaskTakeForm(request.POST),
        lambda f: services.task_take(
            request.actor, number=number, expected_version=f.cleaned_data["version"]
        ),
        "take_form",
    )


@login_required
@require_POST
def complete(request: HttpRequest, number: str) -> HttpResponse:
    task = selectors.task_get(request.actor, number=number)
    return _on_detail(
        request,
        task,
        TaskCompleteForm(request.POST),
        lambda f: services.task_complete(
            request.actor,
            number=number,
            expected_version=f.cleaned_data["version"],
            notes=f.cleaned_data["notes"],
        ),
        "complete_form",
    )
