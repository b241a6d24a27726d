"""Manual maintenance windows: the list agents read, the form operators declare and edit
them with, and the End now and Delete buttons (POST, through the services)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.core.errors import DomainError, NotFound
from steward.events import selectors, services
from steward.events.filters import parse_window_query
from steward.events.forms import WindowFilterForm, WindowForm
from steward.events.views.alerts import _require_reader
from steward.web.forms import see_other, submit, wants_partial
from steward.web.pickers import set_labels

FORM = "events/window_form.html"


@login_required
@require_GET
def window_list(request: HttpRequest) -> HttpResponse:
    """The windows, the latest start first, with their state now."""
    _require_reader(request)
    filters, errors = parse_window_query(request.GET)
    page = None
    if not errors:
        try:
            page = selectors.window_list(request.actor, **filters.dict())
        except DomainError as exc:
            errors = {n: list(m) for n, m in exc.fields.items()} or {"q": [exc.message]}
    bar = WindowFilterForm({"q": request.GET.get("q", "")})
    bar.show_errors(errors)
    context = {
        "page": page,
        "filters": bar,
        "other_errors": [f"{n}: {' '.join(m)}" for n, m in errors.items() if n != "q"],
        "now": timezone.now(),
        "can_edit": selectors.can_work(request.actor),
    }
    partial = wants_partial(request) and request.GET.get("partial")
    template = "events/windows.html#listing" if partial else "events/windows.html"
    return render(request, template, context, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def window_new(request: HttpRequest) -> HttpResponse:
    """Declare a window: its name, times and scope."""
    _require_reader(request)
    form = WindowForm(request.POST or None)
    if request.method == "GET":
        return render(request, FORM, {"form": form, "window": None})
    set_labels(form, "configuration_items", {})
    return submit(
        request,
        form,
        lambda f: services.window_create(request.actor, **f.values()),
        success=reverse("events:windows"),
        template=FORM,
        context={"window": None},
    )


def _form_for(request: HttpRequest, window, *, can_edit: bool) -> WindowForm:
    form = WindowForm(request.POST or None, initial=WindowForm.initial_for(window))
    labels = {ci.number: f"{ci.number} {ci.name}" for ci in window.configuration_items.all()}
    set_labels(form, "configuration_items", labels)
    if not can_edit:
        for field in form.fields.values():  # shown, not offered: the services would refuse
            field.disabled = True
    return form


def _context(window, *, can_edit: bool, **extra) -> dict:
    now = timezone.now()
    return {
        "window": window,
        "in_force": window.starts_at <= now < window.ends_at,
        "upcoming": now < window.starts_at,
        "can_edit": can_edit,
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def window_edit(request: HttpRequest, pk: str) -> HttpResponse:
    """A window's page: edit it, end it now, or delete it."""
    _require_reader(request)
    window = selectors.window_get(request.actor, pk=pk)
    can_edit = selectors.can_change_window(request.actor, window)  # the form's and buttons'
    form = _form_for(request, window, can_edit=can_edit)
    if request.method == "GET":
        return render(request, FORM, {"form": form, **_context(window, can_edit=can_edit)})
    return submit(
        request,
        form,
        lambda f: services.window_update(
            request.actor,
            pk=pk,
            expected_version=f.cleaned_data["version"],
            changes=f.changes(window),
        ),
        success=reverse("events:windows"),
        template=FORM,
        context=_context(window, can_edit=can_edit),
    )


def _button(request: HttpRequest, pk: str, act) -> HttpResponse:
    _require_reader(request)
    window = selectors.window_get(request.actor, pk=pk)
    raw = request.POST.get("version", "")
    version = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    try:
        act(request.actor, pk=pk, expected_version=version)
    except NotFound:
        raise
    except DomainError as exc:
        can_edit = selectors.can_change_window(request.actor, window)
        form = _form_for(request, window, can_edit=can_edit)
        context = _context(window, can_edit=can_edit, error=exc.message)
        return render(request, FORM, {"form": form, **context}, status=exc.status)
    return see_other(request, reverse("events:windows"))


@login_required
@require_POST
def window_end(request: HttpRequest, pk: str) -> HttpResponse:
    """End a window in force now."""
    return _button(request, pk, services.window_end)


@login_required
@require_POST
def window_delete(request: HttpRequest, pk: str) -> HttpResponse:
    """Delete a window."""
    return _button(request, pk, services.window_delete)
