"""The change list and the create/edit form (the change page is in ``views.detail``).

``request.actor`` is the signed-in person; a change they may not see raises ``NotFound``
(the 404 page, by middleware); forms are saved through ``web.forms.submit``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from steward.changes import selectors, services
from steward.changes.choices import EDITABLE_SCOPE_STATES, QUEUES, ChangeType
from steward.changes.filters import ChangeQueueFilters
from steward.changes.forms import ChangeFilterForm, ChangeForm
from steward.changes.views.common import PLAN_FIELDS, agents_only, unplaced
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import DomainError, NotFound
from steward.core.filters import parse_query
from steward.web.forms import submit, wants_partial

FORM = "changes/form.html"


def _teams(actor: Actor) -> list:
    return core_selectors.team_choices(actor) if actor.is_agent else []


@login_required
@require_GET
def change_list(request: HttpRequest) -> HttpResponse:
    """Queues and filters, read with the API's filter schema; htmx swaps the filter bar and
    the rows together, and the URL keeps the filters. A refused filter is named beside its
    field and lists nothing."""
    actor = request.actor
    filters, refused = parse_query(ChangeQueueFilters, request.GET)
    params: dict[str, Any] = filters.dict()
    if not params["queue"]:
        params["queue"] = selectors.change_default_queue(actor)
        # the page's links (its next page) name the queue it opened on: the default may move
        # (an approval arrives) between one page and the next
        request.GET = request.GET.copy()
        request.GET["queue"] = params["queue"]
    page = None
    if not refused:
        try:
            page = selectors.change_queue(actor, **params)
        except DomainError as exc:
            refused = exc.fields or {"__all__": [exc.message]}
    bar = ChangeFilterForm(
        {
            "queue": params["queue"],
            **{name: request.GET.get(name, "") for name in ("q", "status", "type", "risk", "team")},
        },
        teams=_teams(actor),
    )
    bar.show_errors(refused)
    values = {
        "params": params,
        "queues": QUEUES,
        "filters": bar,
        "is_agent": actor.is_agent,
        "page": page,
        "refused": refused,
        "queue_error": " ".join(refused.get("queue", [])),
        "error": unplaced(refused, shown=tuple(bar.fields)),
    }
    partial = wants_partial(request) and request.GET.get("partial")
    template = "changes/list.html#listing" if partial else "changes/list.html"
    return render(request, template, values, status=422 if refused else 200)


def _form_options(actor: Actor) -> dict[str, Any]:
    return {
        "teams": _teams(actor),
        "templates": selectors.template_list(actor, is_active=True, limit=200).items,
        "questions": selectors.risk_questions(),
    }


def risk_aliases(form: ChangeForm) -> dict[str, str]:
    """A refused questionnaire answer (``risk_answers.outage``) stands beside its question."""
    return {f"risk_answers.{slug}": name for name, slug in form.question_names}


def _from_template(actor: Actor, slug: str) -> dict[str, Any]:
    """ "New standard change" from a template: its plans filled in (nothing for an unknown
    or inactive one: an empty form, not an error page)."""
    try:
        template = selectors.template_get(actor, slug=slug)
    except NotFound:
        return {}
    initial = {
        "type": ChangeType.STANDARD,
        "template": template.slug,
        "title": template.name,
        "description": template.description,
    }
    return initial | {name: getattr(template, name) for name in PLAN_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def change_new(request: HttpRequest) -> HttpResponse:
    """Raise a normal, emergency or (from a template) standard change."""
    agents_only(request)
    actor = request.actor
    options = _form_options(actor)
    context = {"change": None, "templates": options["templates"]}
    if request.method == "POST":
        form = ChangeForm(request.POST, **options)
        return submit(
            request,
            form,
            lambda f: services.change_create(actor, **f.create_values()),
            success=lambda change: reverse("changes:detail", args=[change.number]),
            template=FORM,
            context=context,
            aliases=risk_aliases(form),
        )
    chosen = request.GET.get("template", "")
    initial = _from_template(actor, chosen) if chosen else {}
    form = ChangeForm(initial=initial, **options)
    return render(request, FORM, {**context, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def change_edit(request: HttpRequest, number: str) -> HttpResponse:
    """Edit fields; a stale version says so and offers a reload, keeping what was typed."""
    actor = request.actor
    change = selectors.change_get(actor, number=number)
    if not selectors.can_edit(actor, change):
        return redirect("changes:detail", number=number)
    options = _form_options(actor)
    options.pop("templates")
    form = ChangeForm(
        request.POST or None,
        initial=ChangeForm.initial_for(change),
        change=change,
        scope_editable=change.status in EDITABLE_SCOPE_STATES,
        **options,
    )
    if request.method == "GET":
        return render(request, FORM, {"form": form, "change": change})
    return submit(
        request,
        form,
        lambda f: services.change_update(
            actor,
            number=number,
            expected_version=f.cleaned_data["version"],
            changes=f.edit_changes(change),
        ),
        success=reverse("changes:detail", args=[number]),
        template=FORM,
        context={"change": change},
        aliases=risk_aliases(form),
    )
