"""The one template tag library of the web layer: ``{% load steward_ui %}``.

Badges are classes (``status status-in_progress``, ``badge priority-1``, ``risk risk-high``,
``sla breached``) whose colours live in web/static/web/steward.css, not inline styles.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django import template
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.timesince import timesince
from django.utils.translation import (
    gettext,
    gettext_noop,
    npgettext_lazy,
    pgettext,
    pgettext_lazy,
)

from steward.core.selectors.timeline import format_date, format_datetime
from steward.web import fields

register = template.Library()

# ``timesince``'s units as they are said after "… ago": German puts them in the dative after
# "vor" ("vor 2 Monaten", not Django's "vor 2 Monate"), so they are their own words here,
# apart from Django's (which are right where a span stands alone; django.contrib.humanize's
# ``naturaltime`` says "2 Monate her"). The lazy plurals ``timesince(time_strings=…)`` takes,
# written out for the catalogue's extraction; the incident queue keeps what they give per
# language and count (``incident_queue._since_words``).
AGO_WORDS = {
    "year": npgettext_lazy("time ago", "%(num)d year", "%(num)d years", "num"),
    "month": npgettext_lazy("time ago", "%(num)d month", "%(num)d months", "num"),
    "week": npgettext_lazy("time ago", "%(num)d week", "%(num)d weeks", "num"),
    "day": npgettext_lazy("time ago", "%(num)d day", "%(num)d days", "num"),
    "hour": npgettext_lazy("time ago", "%(num)d hour", "%(num)d hours", "num"),
    "minute": npgettext_lazy("time ago", "%(num)d minute", "%(num)d minutes", "num"),
}


@register.filter
def ago(value: dt.datetime | None) -> str:
    """``value`` as "2 months ago" / "vor 2 Monaten", by the clock (``timezone.now``); the
    one relative date of the pages (the incident queue's rows write the same words)."""
    if not value:
        return ""
    since = timesince(value, timezone.now(), time_strings=AGO_WORDS)
    return gettext("%(since)s ago") % {"since": since}


@register.filter
def get_item(mapping: object, key: object) -> object:
    """``{{ labels|get_item:name }}``; empty for a missing key or something not a mapping."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.simple_tag
def form_field(field: object) -> SafeString:
    """``{% include "components/field.html" %}`` of ``field``, kept for a fresh form's
    fixed fields (``steward.web.fields``)."""
    return fields.render(field)  # type: ignore[arg-type]


@register.filter
def has(collection: object, item: object) -> bool:
    """``{% if conflicted|has:change.pk %}``"""
    try:
        return item in collection  # type: ignore[operator]
    except TypeError:
        return False


@register.filter
def duration(seconds: int | None) -> str:
    """Business seconds as ``2d 3h``, ``3h 20m`` or ``12m``; negative means overdue."""
    return _duration(seconds, translation.get_language())


def _duration(seconds: int | None, language: str | None) -> str:
    if seconds is None:
        return "—"
    words = _duration_words(language)
    sign, seconds = ("-" if seconds < 0 else ""), abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = words[0] % {"days": days, "hours": hours}
    elif hours:
        text = words[1] % {"hours": hours, "minutes": minutes}
    else:
        text = words[2] % {"minutes": minutes}
    return sign + text


@functools.lru_cache(maxsize=16)
def _duration_words(language: str | None) -> tuple[str, str, str]:
    """``duration``'s three forms in ``language`` (the active one: the key only keeps
    languages apart; a catalogue does not change while the process runs)."""
    return (
        pgettext("duration", "%(days)sd %(hours)sh"),
        pgettext("duration", "%(hours)sh %(minutes)sm"),
        pgettext("duration", "%(minutes)sm"),
    )


@register.filter
def when(value: dt.datetime | None) -> str:
    """A date-time as every page shows it: ``2 Dec 2026 17:42`` in the reader's zone (the
    timeline's format); ``—`` for none."""
    if value is None or value == "":
        return "—"
    return format_datetime(value, timezone.get_current_timezone())


@register.filter
def when_day(value: dt.date | dt.datetime | None) -> str:
    """A date as every page shows it: ``2 Dec 2026`` (German ``2. Dez. 2026``); ``—`` for none.
    A moment is the day it is in the reader's zone (a survey closing at 23:30 UTC closes on
    the next day in Berlin)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_date(value)


def css_name(value: object) -> str:
    """A choice value as a class-name part: ``in_progress`` stays, ``Very high`` → ``very-high``."""
    return _slug(str(value))


@functools.lru_cache(maxsize=1024)
def _slug(text: str) -> str:
    """``css_name``'s work, kept per value: a badge on every row of a list slugifies the same
    few choice values again and again."""
    return slugify(text) or "none"


@register.simple_tag
def status_badge(value: object, label: object = None, kind: str = "status") -> SafeString:
    """``{% status_badge incident.status incident.get_status_display %}`` →
    ``<span class="status status-in_progress">In progress</span>``; ``kind="risk"`` gives the
    risk badge (``risk risk-high``)."""
    kind = css_name(kind)
    return format_html(
        '<span class="{} {}-{}">{}</span>',
        kind,
        kind,
        css_name(value),
        value if label is None else label,
    )


@register.simple_tag
def priority_badge(priority: object) -> SafeString:
    """``{% priority_badge incident.priority %}`` → ``<span class="badge priority-1">P1</span>``."""
    if priority in (None, ""):
        return format_html('<span class="muted">{}</span>', "—")
    return format_html('<span class="badge priority-{}">P{}</span>', css_name(priority), priority)


def sla_css(clock: object) -> str:
    """The SLA badge's class beside ``sla`` (web/static/web/steward.css): ``breached``,
    ``paused``, ``warning``, ``met`` for a clock stopped in time, none for one running in
    time. Every badge takes it from here (``sla_html``)."""
    if clock.breached:
        return "breached"
    if clock.paused:
        return "paused"
    if clock.warned:
        return "warning"
    return "met" if clock.state == "stopped" else ""


def most_urgent(clocks: Iterable) -> Any:
    """The clock a record's badge shows: the running one with the least time left (the
    stopped ones only when no other runs); ``None`` without clocks."""
    clocks = list(clocks)
    live = [c for c in clocks if c.state != "stopped"] or clocks
    return min(live, key=lambda c: c.time_left_seconds) if live else None


Dates = Callable[[dt.datetime], tuple[str, str]]


def sla_html(clock: Any, language: str | None, dates: Dates, *, named: bool = True) -> str:
    """One clock as a badge, every part escaped (the caller marks it safe or writes it into
    its own HTML). Built here rather than by an inclusion template: it is on every row of
    every queue, and an inclusion tag copies the whole template context per call. The words
    come from ``_sla_words`` (once per language, kind and policy, not seven catalogue
    look-ups per row); ``dates(value)``: the due moment's ISO form and its shown form,
    escaped, in the reader's zone (``local_dates``, or the queue rows' own, decision 0075)."""
    words = _sla_words(language, clock.kind, clock.policy_name)
    if clock.state == "stopped":
        text = words.missed if clock.breached else words.met
    elif clock.paused:
        text = words.paused
    else:
        # a ``str``: ``html.escape`` is what Django's ``escape`` does with it
        text = html.escape(words.left % {"left": _duration(clock.time_left_seconds, language)})
        if clock.due_at:
            stamp, shown = dates(clock.due_at)
            text = f'{text} · {words.due} <time datetime="{stamp}">{shown}</time>'
    css, title = sla_css(clock), words.title
    kind = f" <small>{words.kind}</small>" if named else ""  # not where a label names it
    return f'<span class="sla {css}" title="{title}">{text}{kind}</span>'


def local_dates(page: PageLocale) -> Dates:
    """``dates`` for ``sla_html`` (and the queue's rows without ``FAST``): a moment's
    ``|date:"c"`` and ``|when`` in the page's zone and language, the second escaped."""
    return functools.partial(_local_dates, page.language, page.zone)


def _local_dates(language: str | None, zone: dt.tzinfo, value: dt.datetime) -> tuple[str, str]:
    # the ISO form is digits and punctuation, nothing to escape
    return local_iso(value, zone), escape(format_datetime(value, zone, language))


def _sla_html(clock: object, page: PageLocale | None = None, *, named: bool = True) -> SafeString:
    """One clock as a badge (``sla_html``); ``page``: the language and zone, looked up once
    for a list's rows."""
    if not clock:
        return NO_CLOCK
    page = page or PageLocale.current()
    # every part is escaped (sla_html)
    return mark_safe(sla_html(clock, page.language, local_dates(page), named=named))  # noqa: S308


NO_CLOCK = format_html('<span class="muted">{}</span>', "—")


class PageLocale(NamedTuple):
    """The active language and time zone, read once for a list's rows (each read is a
    context-local look-up, several per badge otherwise)."""

    language: str | None
    zone: dt.tzinfo

    @classmethod
    def current(cls) -> PageLocale:
        return cls(translation.get_language(), timezone.get_current_timezone())


def local_iso(value: dt.datetime, zone: dt.tzinfo) -> str:
    """``{{ value|date:"c" }}`` with ``zone`` the current one: the local time's ISO form
    (a naive value stays as it is, as the template leaves it)."""
    return (value.astimezone(zone) if timezone.is_aware(value) else value).isoformat()


@dataclass(frozen=True)
class SlaWords:
    """A badge's words in one language, already escaped for HTML."""

    missed: str
    met: str
    paused: str
    left: str  # "%(left)s business time", escaped after the value is put in
    due: str
    kind: str
    title: str


@functools.lru_cache(maxsize=512)
def _sla_words(language: str | None, kind: str, policy_name: str) -> SlaWords:
    """The badge's words for ``language`` (the active one: the key only keeps languages apart;
    a catalogue does not change while the process runs)."""
    label = str(SLA_KINDS.get(kind, kind))
    return SlaWords(
        missed=escape(gettext("missed")),
        met=escape(gettext("met")),
        paused=escape(gettext("paused")),
        left=gettext("%(left)s business time"),
        due=escape(pgettext("SLA", "due")),
        kind=escape(label),
        title=escape(
            gettext(
                "%(kind)s target, policy %(policy)s; counted in business time on the policy's"
                " calendar"
            )
            % {"kind": label, "policy": policy_name}
        ),
    )


# The clocks' kinds as a reader's words (the stored values stay ``response``/``resolution``).
SLA_KINDS = {
    "response": pgettext_lazy("SLA", "response"),
    "resolution": pgettext_lazy("SLA", "resolution"),
}


@register.simple_tag
def sla_badge(clocks: Iterable, page: PageLocale | None = None) -> SafeString:
    """The most urgent clock of a record as a badge: breached, paused or time left."""
    return _sla_html(most_urgent(clocks), page)


@register.simple_tag
def sla_badge_one(clock: object, named: bool = True) -> SafeString:
    """One clock's badge; ``named=False`` leaves out its kind ("response") where the fact's
    label already says it (the request and task pages: "SLA response: paused (policy …)")."""
    return _sla_html(clock, named=named)


@dataclass(frozen=True)
class Column:
    label: str
    css: str = ""


@register.simple_tag
def columns(*specs: str) -> list[Column]:
    """The header of ``components/queue_table.html``: ``"Label"`` or ``"Label:css classes"``
    (``"Opened:optional"`` hides the column on small screens, ``"Count:num"`` aligns right)."""
    columns = []
    for spec in specs:
        label, _, css = spec.partition(":")
        columns.append(Column(gettext(label) if label else "", css))
    return columns


# The column labels the lists use, listed for the catalogue's extraction (``makemessages``
# reads no template tag's literal arguments); a label not here shows untranslated.
COLUMN_LABELS = (
    gettext_noop("Number"),
    gettext_noop("P"),
    gettext_noop("Title"),
    gettext_noop("Status"),
    gettext_noop("Team"),
    gettext_noop("Assignee"),
    gettext_noop("Caller"),
    gettext_noop("SLA"),
    gettext_noop("Opened"),
    gettext_noop("Select"),
    gettext_noop("Item"),
    gettext_noop("Requester"),
    gettext_noop("Ordered"),
    gettext_noop("Name"),
    gettext_noop("Email"),
    gettext_noop("Owner"),
    gettext_noop("State"),
    gettext_noop("Type"),
    gettext_noop("Request"),
    gettext_noop("Task"),
    gettext_noop("Organisation"),
    gettext_noop("Roles"),
    gettext_noop("Username"),
    gettext_noop("Active"),
    gettext_noop("Location"),
    gettext_noop("Risk"),
    gettext_noop("Planned"),
    gettext_noop("Service / CI"),
)


@register.filter
def sla_kind(kind: str) -> str:
    """``{{ clock.kind|sla_kind }}``: ``response`` as the reader's word for it."""
    return str(SLA_KINDS.get(kind, kind))


# The configuration lists' column labels (freeze windows, SLA policies and calendars), for
# the catalogue's extraction as ``COLUMN_LABELS`` above.
CONFIGURATION_COLUMN_LABELS = (
    gettext_noop("From"),
    gettext_noop("Until"),
    gettext_noop("Scope"),
    gettext_noop("Precedence"),
    gettext_noop("Calendar"),
    gettext_noop("Priorities"),
    gettext_noop("Response"),
    gettext_noop("Resolution"),
    gettext_noop("Time zone"),
    gettext_noop("Public holidays"),
    gettext_noop("Working hours"),
    gettext_noop("Closures"),
)
