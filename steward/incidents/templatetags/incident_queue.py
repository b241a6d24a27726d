"""The incident queue's rows: ``{% load incident_queue %}{% incident_rows page.items %}``.

Rendered here in one pass instead of an ``{% include %}`` of a row template per row: the
include copied the context and resolved some twenty variables, tags and filters per row,
and the rows were two thirds of the queue page's time (docs/benchmarks-incidents.md). The
words are translated once per page, not once per row. The HTML is what the row template
rendered, row for row: tests/incidents/test_queue_rows_html.py renders that template
(kept in tests/incidents/reference/) beside this tag on the demo's queue, and
tests/incidents/test_page_rendering.py holds the page's cells to it (the badge's own
bytes: tests/web/test_components.py). The language, the reader's zone, the clock and
the catalogue's words are read once per page, not per row (decision 0043). ``FAST``
writes them with less work per row, the same HTML (decision 0075;
tests/incidents/test_queue_page_kept.py): one writer (``_rows``) given the faster escape
and dates, not a second copy of the row.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Callable, Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince

from steward.core.selectors.timeline import format_date, format_datetime
from steward.incidents.views import queue_text
from steward.incidents.views.queue_cells import (
    Words,
    head,
    opened_cell,
    row_html,
    sla_cell,
    take_cell,
)
from steward.web.templatetags.steward_ui import (
    AGO_WORDS,
    Dates,
    PageLocale,
    local_dates,
    local_iso,
    most_urgent,
)

register = template.Library()

# The rows written with decision 0075's helpers (``_escape``, ``_Times``): the same HTML with
# less work per row. ``False`` gives the writer decision 0043's (Django's ``conditional_escape``,
# ``local_iso`` and ``format_datetime`` per value); tests compare the two.
FAST = True


@register.simple_tag(takes_context=True)
def incident_rows(context: template.Context, rows: Iterable[Any]) -> SafeString:
    """Each row (``selectors.rows.QueueRow`` or an ``Incident``) as the queue's ``<tr>``;
    agents get the tick box (where ``selectable`` names the row), the caller and Take
    (where ``takeable`` does)."""
    page = PageLocale.current()
    if FAST:  # decision 0075's helpers
        escape, dates = _escape, _Times(page).of
    else:  # decision 0043's: Django's escape, the date functions per value
        escape, dates = conditional_escape, local_dates(page)
    return _rows(
        rows,
        agent=bool(context.get("can_work_queue")),
        takeable=context.get("takeable") or (),
        selectable=context.get("selectable") or (),
        records_url=context.get("records_url", ""),
        back=context.get("row_back", ""),
        page=page,
        escape=escape,
        dates=dates,
    )


class _SinceWord:
    """One of ``timesince``'s units (``steward_ui.AGO_WORDS[unit]``) for Django's own
    ``timesince(time_strings=…)``: ``word % {"num": n}`` is what the catalogue's lazy plural
    gives, kept per language and count instead of looked up again on every row."""

    __slots__ = ("language", "unit")

    def __init__(self, language: str | None, unit: str) -> None:
        self.language, self.unit = language, unit

    def __mod__(self, values: dict[str, int]) -> str:
        return _since_word(self.language, self.unit, values["num"])


@functools.lru_cache(maxsize=4096)
def _since_word(language: str | None, unit: str, num: int) -> str:
    # the language is the active one (the key only keeps languages apart)
    return str(AGO_WORDS[unit] % {"num": num})


@functools.lru_cache(maxsize=16)
def _since_words(language: str | None) -> dict[str, _SinceWord]:
    return {unit: _SinceWord(language, unit) for unit in AGO_WORDS}


# --- the helpers of ``FAST`` (decision 0075), and the one writer of the rows ---


def _escape(value: Any) -> str:
    """``conditional_escape(value)``; a plain ``str`` straight through ``html.escape``."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


@functools.lru_cache(maxsize=4096)
def _day(language: str | None, day: dt.date) -> str:
    """``format_date(day, language)``: ``language`` is the active one (the key only keeps
    languages apart; a catalogue does not change while the process runs)."""
    return format_date(day, language)


class _Times:
    """A page's dates in the reader's zone and language: ``iso`` is what ``local_iso`` gives,
    ``shown`` what ``format_datetime`` gives, escaped."""

    __slots__ = ("language", "zone")

    def __init__(self, page: PageLocale) -> None:
        self.language, self.zone = page.language, page.zone

    def of(self, value: dt.datetime) -> tuple[str, str]:
        if value.utcoffset() is None:  # naive (``is_aware``'s test): the functions' answers
            shown = format_datetime(value, self.zone, self.language)
            return local_iso(value, self.zone), _escape(shown)
        local = value.astimezone(self.zone)
        shown = f"{_day(self.language, local.date())} {local.hour:02d}:{local.minute:02d}"
        return local.isoformat(), html.escape(shown)


def _rows(
    rows: Iterable[Any],
    *,
    agent: bool,
    takeable: Any,
    selectable: Any,
    records_url: Any,
    page: PageLocale,
    escape: Callable[[Any], str],
    dates: Dates,
    back: str = "",
) -> SafeString:
    """The rows' HTML, the one writer for both ways (``FAST`` chooses the helpers): ``escape``
    is ``conditional_escape`` or ``_escape`` (the same text: ``html.escape`` for a ``str``),
    ``dates(value)`` a moment's ISO form and its shown form, escaped (``local_dates``, or
    ``_Times.of``: the days kept per language and local date, each value's local time worked
    out once for both). The words, the priorities' and statuses' badges, the reader's zone,
    the clock for "… ago" and timesince's words are read once per page, not per row
    (decision 0043). With ``FAST`` and ``queue_text.KEEP`` each row's parts are kept per
    process by their values (decision 0097): ``queue_text.rows``, from the functions here."""
    rows = list(rows)  # read twice should the kept path give the page back
    records_url = conditional_escape(records_url)
    back = conditional_escape(back)  # the record links' way back to a filtered queue
    language = page.language
    now = timezone.now()  # one clock for the page's "… ago" (timesince read it per row)
    since_words = _since_words(language)
    if FAST and queue_text.KEEP:
        kept = queue_text.rows(
            rows,
            agent=agent,
            takeable=takeable,
            selectable=selectable,
            records_url=records_url,
            page=page,
            escape=escape,
            dates=dates,
            now=now,
            since_words=since_words,
            back=back,
        )
        if kept is not None:
            return mark_safe(kept)  # noqa: S308 - every value is escaped (``head``, …)
    words = Words.current()
    priorities: dict[Any, str] = {}
    statuses: dict[Any, str] = {}
    out = []
    for row in rows:
        number = escape(row.number)
        cells = head(
            row,
            number,
            agent=agent,
            selectable=row.number in selectable,
            records_url=records_url,
            words=words,
            escape=escape,
            priorities=priorities,
            statuses=statuses,
            back=back,
        )
        sla = sla_cell(most_urgent(row.sla_clocks), language, dates)
        since = escape(timesince(row.opened_at, now, time_strings=since_words))
        since = words.ago % {"since": since}
        opened = opened_cell(*dates(row.opened_at))
        takes = row.number in takeable
        tail = take_cell(records_url, number, words.take, takes, back) if agent else None
        out.append(row_html(cells, sla, opened, since, tail))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
