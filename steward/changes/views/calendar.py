"""The change calendar (month, week, list) and the calendar-feed links.

The month and week read the first changes of each day and a count per day in one statement
(``calendar_days``), so 5,000 changes in a month cost what 250 do; the list and day views
read every change of their range (``change_calendar``). Freeze shading and conflict flags
are worked out in Python. Days are the user's days: the range and each change's days are
taken in the active time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape  # Django's escape is this behind a lazy-aware wrapper
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_POST

from steward.changes import selectors, services
from steward.changes.choices import RiskLevel, Status
from steward.changes.selectors import CalendarRow, FreezeRow
from steward.changes.views import calendar_grid as grid
from steward.changes.views.common import agents_only
from steward.core import selectors as core_selectors
from steward.core.datetimes import EARLIEST, LATEST
from steward.core.errors import DomainError
from steward.core.selectors.timeline import format_datetime
from steward.web.forms import wants_partial
from steward.web.pickers import PickerInput, labels_for

VIEWS = ("month", "week", "list")  # the tabs; "day" is reached by a day's "+ n more"
DAY_LIMIT = 6  # changes drawn in a month cell before "+ n more"
WEEK_DAY_LIMIT = 60  # and in a week view's day (the list and day views show them all)
ONE_DAY = dt.timedelta(days=1)
TICK = dt.timedelta(microseconds=1)


@dataclass
class Day:
    """One day of the page: at most ``limit`` entries drawn, the others counted."""

    date: dt.date
    in_month: bool
    iso: str = ""
    shown: list[dict] = field(default_factory=list)
    more: int = 0
    freezes: list[FreezeRow] = field(default_factory=list)


def _parse_day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return timezone.localdate()
    # near date.min/max the page's previous/next month would overflow: show today instead
    return day if EARLIEST.year <= day.year < LATEST.year else timezone.localdate()


def _range(view: str, day: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(first shown day, day after the last, previous page's date, next page's date)."""
    if view == "day":
        return day, day + ONE_DAY, day - ONE_DAY, day + ONE_DAY
    if view == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7), start - ONE_DAY * 7, start + ONE_DAY * 7
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    previous = (first - ONE_DAY).replace(day=1)
    if view == "list":
        return first, following, previous, following
    start = first - dt.timedelta(days=first.weekday())  # weeks start on Monday
    last = following - ONE_DAY
    end = last + dt.timedelta(days=7 - last.weekday())
    return start, end, previous, following


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _days_of(
    start: dt.datetime, end: dt.datetime, first: dt.date, stop: dt.date, tz: Any = None
) -> range:
    """Indexes (from ``first``) of the local days ``[start, end)`` touches, clipped (``tz``:
    the active time zone, looked up once per page by the caller, not per change)."""
    tz = tz or timezone.get_current_timezone()
    a = max(start.astimezone(tz).date(), first)
    b = min((end - TICK).astimezone(tz).date(), stop - ONE_DAY)
    return range((a - first).days, (b - first).days + 1)


class Entries:
    """What the page draws of each change, worked out once per change and per distinct
    time (many changes share their hours), not per day or by template lookups."""

    def __init__(self, conflicted: set[int]) -> None:
        self.tz = timezone.get_current_timezone()
        self.conflicted = conflicted
        self.status = {v: str(label) for v, label in Status.choices}
        self.risk = {v: str(label) for v, label in RiskLevel.choices}
        self.link = reverse("changes:detail", args=["CHG0"])[: -len("CHG0/")] + "{}/"
        self.link_html = escape(self.link)
        self._escaped: dict[str, str] = {}
        # the house style ("7 Dec 2026 09:30", German "7. Dez. 2026 09:30") in the reader's
        # zone: it read "Mon 7 Dec 09:30", and in German "Mo 7 Dez 09:30"
        self.language = get_language()
        self._text: dict[dt.datetime, str] = {}
        self._made: dict[int, dict] = {}
        # the reader's words, looked up once per page, not per change
        self.risk_words = gettext("%(level)s risk")
        self.conflict_note = " · " + gettext("conflicts with another change on the same CI")
        self.flag = format_html(grid.FLAG, gettext("conflict"))

    def local(self, value: dt.datetime) -> dt.datetime:
        return value.astimezone(self.tz)

    def chip(self, row: CalendarRow, conflict: bool, title: str, status: str) -> SafeString:
        """The change's chip in a month or week cell (``status``: its label)."""
        note, flag = (self.conflict_note, self.flag) if conflict else ("", "")
        if not grid.BUILT:  # as before decision 0073: every value through format_html
            time = self.local(row.planned_start).strftime("%H:%M")
            link = self.link.format(row.number)
            values = (row.status, row.status, status, time, row.number, flag, row.title)
            edge = " conflict" if conflict else ""
            return format_html(grid.CHIP, row.risk_level, edge, link, title + note, *values)
        # escaped once per value, the page's few statuses, levels and labels once per page
        # (escaping is per character: an address of escaped parts is the escaped address)
        k = self._escaped
        level = k.get(row.risk_level) or k.setdefault(row.risk_level, escape(row.risk_level))
        state = k.get(row.status) or k.setdefault(row.status, escape(row.status))
        label = k.get(status) or k.setdefault(status, escape(status))
        number = escape(row.number)
        return grid.chip(
            level,
            conflict,
            self.link_html.format(number),
            escape(title + note),
            state,
            label,
            self.text(row.planned_start)[-5:],  # its "HH:MM" (``format_datetime`` ends so)
            number,
            flag,
            escape(row.title),
        )

    def text(self, value: dt.datetime) -> str:
        found = self._text.get(value)
        if found is None:
            found = self._text[value] = format_datetime(value, self.tz, self.language)
        return found

    def of(self, row: CalendarRow) -> dict:
        made = self._made.get(row.id)
        if made is None:
            conflict = row.id in self.conflicted
            status, risk = (
                self.status.get(row.status, row.status),
                self.risk.get(row.risk_level, ""),
            )
            window = f"{self.text(row.planned_start)} – {self.text(row.planned_end)}"
            risk_text = self.risk_words % {"level": risk}
            title = f"{row.number} {row.title} · {status} · {risk_text} · {window}"
            made = self._made[row.id] = {
                "number": row.number,
                "title": row.title,
                "status": row.status,
                "status_label": status,
                "risk_level": row.risk_level,
                "risk_label": risk,
                "risk_score": row.risk_score,
                "team": row.team,
                "window": window,
                # the list view's window, each end a <time> in the reader's zone
                "start_iso": self.local(row.planned_start).isoformat(),
                "start_text": self.text(row.planned_start),
                "end_iso": self.local(row.planned_end).isoformat(),
                "end_text": self.text(row.planned_end),
                "conflict": conflict,
                "url": self.link.format(row.number),
                "chip": self.chip(row, conflict, title, status),
            }
        return made


def _layout(
    found: selectors.Days,
    freezes: list[FreezeRow],
    entries: Entries,
    first: dt.date,
    stop: dt.date,
    month: int | None,
) -> list[Day]:
    """The page's days, each with the entries ``calendar_days`` answered for it and the
    count of the others (a change is on every local day it touches)."""
    days = []
    for i in range((stop - first).days):
        date = first + ONE_DAY * i
        day = Day(date, month is None or date.month == month, date.isoformat())
        day.shown = [entries.of(row) for row in found.shown[i]]
        day.more = found.counts[i] - len(day.shown)
        days.append(day)
    for freeze in freezes:
        for i in _days_of(freeze.starts_at, freeze.ends_at, first, stop, entries.tz):
            days[i].freezes.append(freeze)
    return days


def _ci_picker(actor: Any, ci: str) -> str:
    """The filter's CI picker (components/picker.html), showing the chosen CI by name."""
    widget = PickerInput("ci")
    widget.label = labels_for(actor, "ci", [ci])[ci] if ci else ""
    attrs = {
        "id": "calendar-ci",
        "aria-label": gettext("CI"),
        "placeholder": gettext("Type a CI's name"),
    }
    return widget.render("ci", ci, attrs)


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    agents_only(request)
    actor = request.actor
    view = request.GET.get("view", "")
    view = view if view in VIEWS or view == "day" else "month"
    day = _parse_day(request.GET.get("date", ""))
    team = request.GET.get("team", "").strip()
    # the CI picker's key; without JavaScript, what was typed in its box (a number)
    ci = (request.GET.get("ci") or request.GET.get("ci_label", "")).strip().upper()
    first, stop, previous, following = _range(view, day)
    start, end = _local_midnight(first), _local_midnight(stop)
    error = ""
    drawn = view in ("month", "week")
    found = selectors.Days([[] for _ in range((stop - first).days)], [0] * (stop - first).days)
    changes: list[CalendarRow] = []
    try:
        if drawn:  # the first changes of each day and a count, not the whole range
            limit = DAY_LIMIT if view == "month" else WEEK_DAY_LIMIT
            found = selectors.calendar_days(
                actor,
                first=first,
                days=(stop - first).days,
                per_day=limit,
                tz=timezone.get_current_timezone(),
                team=team,
                ci=ci,
            )
            changes = list({row.id: row for day in found.shown for row in day}.values())
        else:
            changes = selectors.change_calendar(actor, start=start, end=end, team=team, ci=ci)
    except DomainError as exc:
        error = exc.message
    freezes = selectors.freezes_between(actor, start=start, end=end)
    conflicted = selectors.calendar_conflicts(changes)
    entries = Entries(conflicted)
    month = day.month if view == "month" else None
    days = _layout(found, freezes, entries, first, stop, month)
    weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
    today = timezone.localdate().isoformat()
    values = {
        "view": view,
        "views": VIEWS,
        "day": day,
        "first": first,
        "last": stop - ONE_DAY,
        "previous": previous.isoformat(),
        "following": following.isoformat(),
        "today": today,
        "weeks": weeks,
        # the month's cells written in Python ("" when grid.BUILT is off: the template's loop)
        "month_rows": grid.month_rows(weeks, today=today, team=team, ci=ci)
        if view == "month"
        else "",
        "days": days,
        "changes": [] if drawn else [entries.of(row) for row in changes],
        "freezes": freezes,
        "truncated": not drawn and len(changes) >= selectors.CALENDAR_LIMIT,
        "team": team,
        "ci": ci,
        "ci_picker": _ci_picker(actor, ci),
        "error": error,
        # the filter's slugs and names, kept per process under the teams stamp (team_list
        # read them, and every member of every team, on each page)
        "teams": core_selectors.team_choices(actor, limit=200),
        "time_zone": timezone.get_current_timezone_name(),
        "risk_legend": RiskLevel.choices,
        # every state the calendar can draw (the selectors' CALENDAR_STATES), none left out
        "status_legend": selectors.calendar_status_legend(),
    }
    return render(request, "changes/calendar.html", values, status=422 if error else 200)


@login_required
@require_POST
def feed_links(request: HttpRequest) -> HttpResponse:
    """Issue a new feed secret and show the URLs once (the old ones stop working)."""
    agents_only(request)
    actor = request.actor
    values: dict[str, Any] = {"error": "", "personal": "", "team_links": []}
    try:
        token = services.feed_token_issue(actor)
    except DomainError as exc:
        values["error"] = exc.message
    else:
        base = settings.BASE_URL
        values["personal"] = base + reverse("changes:feed", args=[token])
        teams = core_selectors.team_list(actor, member=actor.user.username, limit=50).items
        values["team_links"] = [
            (t.name, base + reverse("changes:team_feed", args=[token, t.slug])) for t in teams
        ]
    template = "changes/feeds.html" + ("#feeds" if wants_partial(request) else "")
    return render(request, template, values, status=422 if values["error"] else 200)
