"""The queue's rows written in one pass with what repeats drawn once (decision 0075).

``{% incident_rows %}`` (``incident_queue.FAST``) hands its rows here. The HTML is that of
``incident_queue``'s own loop, which stays the reference (tests render both): the same
words, badges and escaping. What differs is the work per row on a page of 50:

- the priority and status badges are drawn once per value (as before), the SLA badge's
  words once per language, kind and policy (as before), without the context-local look-ups;
- the days shown (opened, due) are written once per language and local date, not with a
  catalogue look-up of the month's name per date (``format_date``), and the local time is
  worked out once per value for both its ISO form and the shown one;
- text is escaped by ``html.escape``, which is what Django's ``escape`` does for a ``str``,
  without its lazy-text wrapper (some 400 calls a page); anything else (a safe string, a
  lazy text, a number) goes through ``conditional_escape`` as before.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext

from steward.core.selectors.timeline import format_date, format_datetime
from steward.incidents.choices import Status
from steward.web.templatetags.steward_ui import (
    NO_CLOCK,
    PageLocale,
    _duration,
    _sla_words,
    local_iso,
    priority_badge,
    status_badge,
)


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
        if value.tzinfo is None:  # a naive value: the functions' own answers
            shown = format_datetime(value, self.zone, self.language)
            return local_iso(value, self.zone), _escape(shown)
        local = value.astimezone(self.zone)
        shown = f"{_day(self.language, local.date())} {local.hour:02d}:{local.minute:02d}"
        return local.isoformat(), html.escape(shown)


def _sla(clocks: Iterable, times: _Times) -> str:
    """``steward_ui.sla_badge(clocks, page)``."""
    clocks = list(clocks)
    live = [c for c in clocks if c.state != "stopped"] or clocks
    if not live:
        return NO_CLOCK
    clock = min(live, key=lambda c: c.time_left_seconds)
    if clock.breached:
        css = "breached"
    elif clock.paused:
        css = "paused"
    elif clock.warned:
        css = "warning"
    else:
        css = "met" if clock.state == "stopped" else ""
    words = _sla_words(times.language, clock.kind, clock.policy_name)
    if clock.state == "stopped":
        text = words.missed if clock.breached else words.met
    elif clock.paused:
        text = words.paused
    else:
        text = _escape(words.left % {"left": _duration(clock.time_left_seconds, times.language)})
        if clock.due_at:
            stamp, shown = times.of(clock.due_at)
            text = f'{text} · {words.due} <time datetime="{stamp}">{shown}</time>'
    title = words.title
    return f'<span class="sla {css}" title="{title}">{text} <small>{words.kind}</small></span>'


def rows_html(  # noqa: PLR0913 - the tag's context, named
    rows: Iterable[Any],
    *,
    agent: bool,
    takeable: Any,
    records_url: Any,
    since_words: Callable[[str | None], dict],
) -> SafeString:
    """The rows as ``incident_queue.incident_rows`` draws them (its loop is the reference)."""
    records_url = conditional_escape(records_url)
    select = gettext("Select %(number)s")
    major = format_html(' <span class="badge major">{}</span>', gettext("MAJOR"))
    ago = gettext("%(since)s ago")
    take = conditional_escape(gettext("Take"))
    labels = {value: str(label) for value, label in Status.choices}
    page = PageLocale.current()
    times = _Times(page)
    now = timezone.now()
    words = since_words(page.language)
    priorities: dict[Any, str] = {}
    statuses: dict[Any, str] = {}
    out = []
    for row in rows:
        number = _escape(row.number)
        cells = []
        if agent:
            cells.append(
                f'<td><input type="checkbox" name="numbers" value="{number}" '
                f'aria-label="{select % {"number": number}}"></td>'
            )
        cells.append(
            f'<td><a href="{records_url}{number}/">{number}</a>{major if row.is_major else ""}</td>'
        )
        priority = row.priority
        cell = priorities.get(priority)
        if cell is None:
            cell = priorities[priority] = f"<td>{priority_badge(priority)}</td>"
        cells.append(cell)
        cells.append(f"<td>{_escape(row.title)}</td>")
        status = row.status
        cell = statuses.get(status)
        if cell is None:
            label = labels.get(status) or row.get_status_display()
            cell = statuses[status] = f"<td>{status_badge(status, label)}</td>"
        cells.append(cell)
        team = row.team.name if row.team is not None else ""
        cells.append(f'<td class="optional">{_escape(team or "—")}</td>')
        cells.append(f"<td>{_escape(row.assignee or '—')}</td>")
        if agent:
            cells.append(f'<td class="optional">{_escape(row.caller)}</td>')
        cells.append(f"<td>{_sla(row.sla_clocks, times)}</td>")
        opened = row.opened_at
        since = ago % {"since": _escape(timesince(opened, now, time_strings=words))}
        stamp, shown = times.of(opened)
        cells.append(
            f'<td class="optional"><time datetime="{stamp}" title="{shown}">{since}</time></td>'
        )
        if agent:
            button = (
                f'<button type="button" class="link" hx-post="{records_url}{number}/take/" '
                f'hx-target="#queue-alert" hx-select="div.error">{take}</button>'
                if row.number in takeable
                else ""
            )
            cells.append(f"<td>{button}</td>")
        out.append("<tr>\n  " + "\n  ".join(cells) + "\n</tr>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
