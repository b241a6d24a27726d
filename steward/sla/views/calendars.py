"""Business calendar pages: the list, one calendar's hours and closures, new and edit.

``request.actor`` is the signed-in person (``web.middleware.ActorMiddleware``); a calendar
they may not see raises ``NotFound`` (the 404 page). Forms are saved through
``web.forms.submit``: 303 to the calendar's page on success, the form again with 422 and the
service's messages beside their fields otherwise.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from steward.core.errors import ValidationFailed
from steward.core.filters import parse_query
from steward.sla import selectors, services
from steward.sla.filters import CalendarFilters
from steward.sla.forms import WEEKDAY_NAMES, CalendarFilterForm, CalendarForm, interval_text
from steward.sla.views.access import editable, readable
from steward.web.forms import submit, wants_partial

WHAT = "business calendars"
FORM = "sla/calendar_form.html"


def detail_url(calendar) -> str:  # noqa: ANN001
    return reverse("sla:calendar_detail", args=[calendar.slug])


def _form_context(calendar=None) -> dict:  # noqa: ANN001
    return {"calendar": calendar, "time_zones": selectors.time_zone_names()}


def _located(write):  # noqa: ANN001, ANN202
    """``write(form)`` calling the service, with its messages about hours moved beside
    their weekday (the service names ``working_hours`` and the entry)."""

    def save(form: CalendarForm):  # noqa: ANN202
        try:
            return write(form)
        except ValidationFailed as exc:
            raise form.locate(exc) from exc

    return save


@login_required
@require_GET
def calendar_list(request: HttpRequest) -> HttpResponse:
    """Every calendar by name with its zone and holidays; the search narrows by name."""
    can = readable(request.actor)
    filters, errors = parse_query(CalendarFilters, request.GET)
    page = selectors.calendar_list(request.actor, **filters.dict())
    form = CalendarFilterForm({"q": request.GET.get("q", "")})
    form.show_errors(errors)
    context = {
        "page": page,
        "can": can,
        "filters": form,
        "other_errors": [
            f"{name}: {' '.join(messages)}" for name, messages in errors.items() if name != "q"
        ],
        "tab": "calendars",
    }
    partial = wants_partial(request) and request.GET.get("partial")
    template = "sla/calendar_list.html#rows" if partial else "sla/calendar_list.html"
    return render(request, template, context, status=422 if errors else 200)


@login_required
@require_GET
def calendar_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A calendar's zone, holidays (the next stored ones listed), hours per weekday and
    closures, and who uses it."""
    can = readable(request.actor)
    calendar = selectors.calendar_get(request.actor, slug=slug)
    weekly = selectors.weekly_hours(calendar)
    days = [(name, interval_text(weekly[day])) for day, name in enumerate(WEEKDAY_NAMES)]
    policies = selectors.policy_list(request.actor, calendar=calendar.slug, limit=100).items
    holidays = selectors.calendar_upcoming_holidays(calendar, today=timezone.localdate())
    context = {"calendar": calendar, "days": days, "policies": policies, "can": can}
    context["holidays"] = holidays
    return render(request, "sla/calendar_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_new(request: HttpRequest) -> HttpResponse:
    """An administrator adds a calendar; the form starts with office hours Monday to Friday."""
    actor = request.actor
    editable(actor, WHAT)
    if request.method == "POST":
        return submit(
            request,
            CalendarForm(request.POST),
            _located(lambda f: services.calendar_create(actor, **f.values())),
            success=detail_url,
            template=FORM,
            context=_form_context(),
        )
    office = {f"hours_{day}": "09:00-17:00" for day in range(5)}
    form = CalendarForm(initial=office)
    return render(request, FORM, {**_form_context(), "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """An administrator changes a calendar; only what differs is handed to the service (and
    shows in the audit log), guarded by the version the form was opened at."""
    actor = request.actor
    editable(actor, WHAT)
    calendar = selectors.calendar_get(actor, slug=slug)
    current = CalendarForm.initial_for(calendar, selectors.weekly_hours(calendar))
    if request.method == "POST":

        def write(form: CalendarForm):  # noqa: ANN202
            changes = form.changes(current)
            if not changes:
                return calendar  # nothing changed: nothing to write
            return services.calendar_update(
                actor,
                slug=slug,
                expected_version=form.cleaned_data.get("version"),
                changes=changes,
            )

        return submit(
            request,
            CalendarForm(request.POST),
            _located(write),
            success=detail_url,
            template=FORM,
            context=_form_context(calendar),
        )
    form = CalendarForm(initial=current)
    return render(request, FORM, {**_form_context(calendar), "form": form})
