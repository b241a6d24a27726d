"""SLA policy pages: the list in the order policies are tried, one policy, new and edit.

The list is the SLA module's front page (``sla:list``). Saving goes through
``web.forms.submit`` and the policy services (validation, version, audit, outbox).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from steward.core.actor import Actor
from steward.core.filters import parse_query
from steward.sla import selectors, services
from steward.sla.filters import PolicyFilters
from steward.sla.forms import PolicyFilterForm, PolicyForm
from steward.sla.views.access import editable, readable
from steward.web.forms import submit, wants_partial
from steward.web.pickers import labels_for, set_labels

WHAT = "SLA policies"
FORM = "sla/policy_form.html"
FILTERS = ("q", "calendar", "is_active")


def detail_url(policy) -> str:  # noqa: ANN001
    return reverse("sla:detail", args=[policy.slug])


def _calendars(actor: Actor) -> list:
    return selectors.calendar_list(actor, limit=200).items


@login_required
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    """Policies by precedence with their calendar and targets; filters by name, calendar and
    active; a refused filter value shows beside its field (422) and the rows stay empty."""
    actor = request.actor
    can = readable(actor)
    filters, errors = parse_query(PolicyFilters, request.GET)
    page = None if errors else selectors.policy_list(actor, **filters.dict())
    form = PolicyFilterForm(
        {name: request.GET.get(name, "") for name in FILTERS}, calendars=_calendars(actor)
    )
    form.show_errors(errors)
    context = {
        "page": page,
        "can": can,
        "filters": form,
        "errors": errors,
        "other_errors": [
            f"{name}: {' '.join(messages)}"
            for name, messages in errors.items()
            if name not in FILTERS
        ],  # fmt: skip
        "tab": "policies",
    }
    partial = wants_partial(request) and request.GET.get("partial")
    template = "sla/policy_list.html#rows" if partial else "sla/policy_list.html"
    return render(request, template, context, status=422 if errors else 200)


@login_required
@require_GET
def policy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One policy: its calendar, targets and the records it applies to."""
    actor = request.actor
    can = readable(actor)
    policy = selectors.policy_get(actor, slug=slug)
    # conditions by name, as the form's pickers show them (stored keys are slugs, numbers)
    named = {
        field: list(labels_for(actor, kind, list(getattr(policy, field))).values())
        for field, kind in (
            ("categories", "category"),
            ("services", "service"),
            ("organisations", "organisation"),
        )
    }
    return render(request, "sla/policy_detail.html", {"policy": policy, "can": can, "named": named})


@login_required
@require_http_methods(["GET", "POST"])
def policy_new(request: HttpRequest) -> HttpResponse:
    """An administrator adds a policy; it applies to new records from then on."""
    actor = request.actor
    editable(actor, WHAT)
    calendars = _calendars(actor)
    if request.method == "POST":
        return submit(
            request,
            PolicyForm(request.POST, calendars=calendars),
            lambda f: services.policy_create(actor, **f.values()),
            success=detail_url,
            template=FORM,
            context={"policy": None, "calendars": calendars},
        )
    form = PolicyForm(calendars=calendars)
    return render(request, FORM, {"form": form, "policy": None, "calendars": calendars})


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """An administrator changes a policy; running clocks keep their targets until their
    record asks to recompute. The version the form was opened at guards lost updates."""
    actor = request.actor
    editable(actor, WHAT)
    policy = selectors.policy_get(actor, slug=slug)
    calendars = _calendars(actor)
    context = {"policy": policy, "calendars": calendars}
    if request.method == "POST":
        return submit(
            request,
            PolicyForm(request.POST, calendars=calendars),
            lambda f: services.policy_update(
                actor,
                slug=slug,
                expected_version=f.cleaned_data.get("version"),
                changes=f.values(),
            ),
            success=detail_url,
            template=FORM,
            context=context,
        )
    form = PolicyForm(initial=PolicyForm.initial_for(policy), calendars=calendars)
    for name, kind in (
        ("categories", "category"),
        ("services", "service"),
        ("organisations", "organisation"),
    ):
        set_labels(form, name, labels_for(actor, kind, list(getattr(policy, name))))
    return render(request, FORM, {**context, "form": form})
