"""The Events console: live alerts with the shared filter bar, one alert's page with its
facts and history, and its Acknowledge and Close buttons (POST, through the services)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from steward.core.errors import DomainError, NotFound
from steward.events import selectors, services
from steward.events.choices import State
from steward.events.filters import parse_query
from steward.events.forms import AlertFilterForm, MoveForm
from steward.web.forms import wants_partial

FIELDS = ("q", "state", "severity", "source")
# the console's column headers that no other list has ({% columns %} translates them)
COLUMNS = (gettext_noop("Count"),)
MOVES = {State.ACKNOWLEDGED: services.alert_acknowledge, State.CLOSED: services.alert_close}


def _require_reader(request: HttpRequest) -> None:
    if not selectors.can_read(request.actor):
        raise NotFound()  # requesters get the page an unknown address gets


@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """The console: alerts with the latest activity first, the live ones unless chosen."""
    _require_reader(request)
    filters, errors = parse_query(request.GET)
    page = None
    if not errors:
        try:
            page = selectors.alert_list(request.actor, **filters.dict())
        except DomainError as exc:
            errors = {n: list(m) for n, m in exc.fields.items()} or {"q": [exc.message]}
    form = AlertFilterForm(
        {"state": filters.state, **{n: request.GET.get(n, "") for n in FIELDS if n != "state"}}
    )
    form.show_errors(errors)
    context = {
        "page": page,
        "filters": form,
        "errors": errors,
        "other_errors": [
            f"{name}: {' '.join(messages)}"
            for name, messages in errors.items()
            if name not in FIELDS
        ],
    }
    partial = wants_partial(request) and request.GET.get("partial")
    template = "events/list.html#queue" if partial else "events/list.html"
    return render(request, template, context, status=422 if errors else 200)


def _detail(request: HttpRequest, pk: str, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = request.actor
    alert = selectors.alert_get(actor, pk=pk)
    context = {
        "alert": alert,
        "moves": selectors.alert_moves(actor, alert),
        "history": selectors.alert_history(actor, alert),
        "error": error,
    }
    return render(request, "events/detail.html", context, status=status)


@login_required
@require_GET
def alert_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """An alert: what was reported, how often, its CI and incident, and its history."""
    _require_reader(request)
    return _detail(request, pk)


@login_required
@require_POST
def alert_move(request: HttpRequest, pk: str) -> HttpResponse:
    """Acknowledge or close; a refusal comes back on the page beside the buttons."""
    _require_reader(request)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _detail(request, pk, error=" ".join(form.errors["state"]), status=422)
    try:
        MOVES[form.cleaned_data["state"]](request.actor, pk=pk)
    except NotFound:
        raise
    except DomainError as exc:
        return _detail(request, pk, error=exc.message, status=exc.status)
    return redirect("events:detail", pk=pk)
