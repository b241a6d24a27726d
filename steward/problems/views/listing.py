"""The problem list: queues as tabs, the shared filter bar, and the rows; htmx swaps the bar
and the rows together so a refused filter shows beside its field and clears the same way."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward.core import selectors as core_selectors
from steward.core.errors import DomainError, NotFound
from steward.problems import selectors
from steward.problems.choices import Queue
from steward.problems.filters import PAGE_DEFAULTS, parse_query
from steward.problems.forms import ProblemFilterForm
from steward.web.forms import wants_partial

# the filters the bar has a control (and a message place) for; the queue's message sits under
# the tabs, and one about any other filter (from a typed URL) above the bar
FIELDS = ("q", "status", "priority", "team")


@login_required
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    """A queue with filters, read by the API's filter schema; a refused filter value is
    shown beside its field (422) and the rows stay empty rather than showing an error."""
    actor = request.actor
    if not actor.is_agent:
        raise NotFound()  # problems are IT's: a requester gets the page an unknown one gets
    filters, errors = parse_query(request.GET, defaults=PAGE_DEFAULTS)
    page = None
    if not errors:
        try:
            page = selectors.problem_list(actor, **filters.dict())
        except DomainError as exc:
            errors = {name: list(messages) for name, messages in exc.fields.items()} or {
                "": [exc.message]
            }
    form = ProblemFilterForm(
        {"queue": filters.queue, **{name: request.GET.get(name, "") for name in FIELDS}},
        teams=core_selectors.team_choices(actor),
    )
    form.show_errors(errors)
    context = {
        "page": page,
        "params": filters,
        "filters": form,
        "errors": errors,
        "queue_error": " ".join(errors.get("queue", [])),
        "other_errors": [
            f"{name}: {' '.join(messages)}" if name else " ".join(messages)
            for name, messages in errors.items()
            if name not in (*FIELDS, "queue")
        ],
        "queues": Queue.choices,
    }
    partial = wants_partial(request) and request.GET.get("partial")
    template = "problems/queue.html#queue" if partial else "problems/queue.html"
    return render(request, template, context, status=422 if errors else 200)
