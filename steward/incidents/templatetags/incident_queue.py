"""The incident queue's rows: ``{% load incident_queue %}{% incident_rows page.items %}``.

Rendered here in one pass instead of an ``{% include %}`` of a row template per row: the
include copied the context and resolved some twenty variables, tags and filters per row,
and the rows were two thirds of the queue page's time (docs/benchmarks-incidents.md). The
words are translated once per page, not once per row. The HTML is what the row template
rendered, row for row: tests/incidents/test_queue_rows_html.py renders that template
(kept in tests/incidents/reference/) beside this tag on the demo's queue, and
tests/incidents/test_page_rendering.py holds the page's cells to it with the SLA badge of
before. The language, the reader's zone, the clock and the catalogue's words are read once
per page, not per row (decision 0043).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext

from steward.core.selectors.timeline import format_datetime
from steward.incidents.choices import Status
from steward.incidents.templatetags import queue_cells
from steward.web.templatetags.steward_ui import (
    PageLocale,
    local_iso,
    priority_badge,
    sla_badge,
    status_badge,
)

register = template.Library()

# The rows written by ``queue_cells`` (decision 0075): the same HTML with the cells that repeat
# drawn once per page and the rest escaped without Django's lazy-text wrapper. ``False``
# draws every row as below (decision 0043's loop); tests compare the two.
FAST = True


@register.simple_tag(takes_context=True)
def incident_rows(context: template.Context, rows: Iterable[Any]) -> SafeString:
    """Each row (``selectors.rows.QueueRow`` or an ``Incident``) as the queue's ``<tr>``;
    agents get the tick box, the caller and Take (where ``takeable`` names the row)."""
    agent = bool(context.get("can_work_queue"))
    takeable = context.get("takeable") or ()
    if FAST:
        return queue_cells.rows_html(
            rows,
            agent=agent,
            takeable=takeable,
            records_url=context.get("records_url", ""),
            since_words=_since_words,
        )
    records_url = conditional_escape(context.get("records_url", ""))
    # the row template's words: {% translate %} escaped its text, {% blocktranslate %} only
    # the values put into it
    select = gettext("Select %(number)s")
    major = format_html(' <span class="badge major">{}</span>', gettext("MAJOR"))
    ago = gettext("%(since)s ago")
    take = conditional_escape(gettext("Take"))
    labels = {value: str(label) for value, label in Status.choices}
    # once per page, not per row (decision 0043): the badges of the few priorities and
    # statuses, the reader's zone, the clock for "… ago", and timesince's words per count
    priorities: dict[Any, str] = {}
    statuses: dict[Any, str] = {}
    page = PageLocale.current()
    zone = page.zone
    now = timezone.now()  # one clock for the page's "… ago" (timesince read it per row)
    words = _since_words(page.language)
    out = []
    for row in rows:
        number = conditional_escape(row.number)
        cells = []
        if agent:
            cells.append(
                '<td><input type="checkbox" name="numbers" value="{}" aria-label="{}"></td>'.format(
                    number, select % {"number": number}
                )
            )
        cells.append(
            f'<td><a href="{records_url}{number}/">{number}</a>{major if row.is_major else ""}</td>'
        )
        priority = row.priority
        badge = priorities.get(priority)
        if badge is None:
            badge = priorities[priority] = f"<td>{priority_badge(priority)}</td>"
        cells.append(badge)
        cells.append(f"<td>{conditional_escape(row.title)}</td>")
        status = row.status
        badge = statuses.get(status)
        if badge is None:
            label = labels.get(status) or row.get_status_display()
            badge = statuses[status] = f"<td>{status_badge(status, label)}</td>"
        cells.append(badge)
        team = row.team.name if row.team is not None else ""
        cells.append(f'<td class="optional">{conditional_escape(team or "—")}</td>')
        cells.append(f"<td>{conditional_escape(row.assignee or '—')}</td>")
        if agent:
            cells.append(f'<td class="optional">{conditional_escape(row.caller)}</td>')
        cells.append(f"<td>{sla_badge(row.sla_clocks, page)}</td>")
        opened = row.opened_at
        since = ago % {"since": conditional_escape(timesince(opened, now, time_strings=words))}
        # the local time's ISO form is what ``|date:"c"`` gave (digits and punctuation:
        # nothing to escape)
        stamp = local_iso(opened, zone)
        shown = conditional_escape(format_datetime(opened, zone, page.language))
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


class _SinceWord:
    """One of ``timesince``'s units (``"%(num)d day"``/``"%(num)d days"``) for Django's own
    ``timesince(time_strings=…)``: ``word % {"num": n}`` is what the catalogue's lazy plural
    gives, kept per language and count instead of looked up again on every row."""

    __slots__ = ("language", "singular", "plural")

    def __init__(self, language: str | None, singular: str, plural: str) -> None:
        self.language, self.singular, self.plural = language, singular, plural

    def __mod__(self, values: dict[str, int]) -> str:
        return _since_word(self.language, self.singular, self.plural, values["num"])


@functools.lru_cache(maxsize=4096)
def _since_word(language: str | None, singular: str, plural: str, num: int) -> str:
    # the language is the active one (the key only keeps languages apart)
    return ngettext(singular, plural, num) % {"num": num}


# Django's own words for ``timesince`` (django.utils.timesince.TIME_STRINGS, translated by
# Django's catalogues); tests/incidents/test_page_rendering.py holds them to its output.
SINCE_WORDS = {
    "year": ("%(num)d year", "%(num)d years"),
    "month": ("%(num)d month", "%(num)d months"),
    "week": ("%(num)d week", "%(num)d weeks"),
    "day": ("%(num)d day", "%(num)d days"),
    "hour": ("%(num)d hour", "%(num)d hours"),
    "minute": ("%(num)d minute", "%(num)d minutes"),
}


@functools.lru_cache(maxsize=16)
def _since_words(language: str | None) -> dict[str, _SinceWord]:
    return {name: _SinceWord(language, *words) for name, words in SINCE_WORDS.items()}
