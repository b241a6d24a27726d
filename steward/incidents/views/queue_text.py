"""The queue's rows written from parts kept per process, each keyed by the values it is
drawn from (decision 0097), as decision 0088 keeps the API's rows' JSON.

``incident_queue._rows`` wrote each of a page's 50 rows anew for every request, by every
reader: the escapes, the badges, the day's name and the times in the reader's zone. Here a
row is four parts, each written by ``queue_cells`` on a miss and then looked up:

- the cells before the SLA badge, by the row's number, title, status, priority, major
  flag, team, assignee and caller (the values ``queue_cells.head`` reads) and whether
  its tick box is offered, cut where the page's ``?back=…`` goes into the record link;
- the SLA cell, by the most urgent clock's kind, policy name, state, pause, breach,
  warning, business seconds left and due time (all ``sla_html`` reads), so a running
  clock is written anew once a second and looked up in between;
- the opened cell up to its "… ago", by the opened time; the "… ago" is worked out for
  each row on each request (it follows the clock), by Django's ``timesince``;
- the Take cell, by the number and whether the reader may take the row (cut likewise).

The parts are kept per *context*: the language (the words, the statuses' labels, the days'
names), the time zone (the times shown), whether the reader is an agent (the tick box, the
caller, Take) and the rows' address (the script prefix). Only ``QueueRow`` rows are kept:
their values come from one statement's columns (``str``, ``int``, ``bool``, aware times),
so equal values write equal text; an ``Incident`` (where a selector gives models)
gives a person object where a row gives a name, and its page is written as before.

Bounded: at most ``CONTEXTS`` contexts (all forgotten when one more comes) and ``LIMIT``
parts in all of them together (all forgotten when full): a head is ~0.6 KB and holds its
row's values, so a few MB a worker at most.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.utils.timesince import timesince

from steward.incidents.selectors.rows import QueueRow
from steward.incidents.views.queue_cells import (
    Words,
    head,
    opened_cell,
    row_html,
    sla_cell,
    take_cell,
)
from steward.web.templatetags.steward_ui import Dates, PageLocale, most_urgent

T = TypeVar("T")

# False: every row written by ``incident_queue._rows``'s loop (the reference)
KEEP = True
# Where a kept head or Take cell is cut: the record link's (and Take's) ``?back=…`` is the
# page's (its queue's filters), not the row's, so each is kept as the text before and after
# it and the page's is put between. A NUL: nothing written before the first cut (the tick
# box's and the link's number and address) can hold one, so the first NUL is the cut
CUT = "\x00"
LIMIT = 4096  # parts, every context's together
CONTEXTS = 16


class _Context:
    """One language, zone, role and address: its words and its kept parts."""

    __slots__ = ("words", "heads", "clocks", "opened", "tails", "priorities", "statuses")

    def __init__(self) -> None:
        self.words = Words.current()  # the active language is the context's
        self.heads: dict[tuple, tuple[str, ...]] = {}  # before and after the link's ?back=
        self.clocks: dict[Any, str] = {}
        self.opened: dict[Any, str] = {}
        self.tails: dict[tuple, tuple[str, ...]] = {}  # likewise
        self.priorities: dict[Any, str] = {}
        self.statuses: dict[Any, str] = {}

    def forget(self) -> None:
        for kept in (self.heads, self.clocks, self.opened, self.tails):
            kept.clear()


_contexts: dict[tuple, _Context] = {}
_count = [0]  # the parts kept, in all contexts


def forget() -> None:
    _contexts.clear()
    _count[0] = 0


def size() -> int:
    return sum(
        len(kept)
        for context in _contexts.values()
        for kept in (context.heads, context.clocks, context.opened, context.tails)
    )


def _keep(kept: dict, key: Any, text: T) -> T:
    if _count[0] >= LIMIT:
        for context in _contexts.values():
            context.forget()
        _count[0] = 0
    kept[key] = text
    _count[0] += 1
    return text


def rows(
    rows: Iterable[Any],
    *,
    agent: bool,
    takeable: Any,
    selectable: Any,
    records_url: str,
    page: PageLocale,
    escape: Callable[[Any], str],
    dates: Dates,
    now: dt.datetime,
    since_words: Mapping[str, Any],
    back: str = "",
) -> str | None:
    """The rows' HTML from kept parts; ``None`` if a row is not a ``QueueRow`` (the caller
    writes the page as before). ``now`` and ``since_words``: the "… ago"'s clock and units
    (``timesince``'s); ``back``: the record links' ``?back=…`` (escaped), "" for none."""
    rows = list(rows)
    if any(type(row) is not QueueRow for row in rows):
        return None
    language, zone = page
    key = (language, zone, agent, records_url)
    context = _contexts.get(key)
    if context is None:
        if len(_contexts) >= CONTEXTS:
            forget()
        context = _contexts[key] = _Context()
    words, heads, clocks, opened_cells, tails = (
        context.words,
        context.heads,
        context.clocks,
        context.opened,
        context.tails,
    )
    ago = words.ago
    out = []
    for row in rows:
        number = row.number
        team = row.team
        values = (
            number,
            row.title,
            row.status,
            row.priority,
            row.is_major,
            None if team is None else team.name,
            row.assignee,
            row.caller,
            number in selectable,
        )
        parts = heads.get(values)
        if parts is None:
            written = head(
                row,
                escape(number),
                agent=agent,
                selectable=values[-1],
                records_url=records_url,
                words=words,
                escape=escape,
                priorities=context.priorities,
                statuses=context.statuses,
                back=CUT,
            )
            parts = _keep(heads, values, tuple(written.split(CUT, 1)))
        cells = back.join(parts)
        clock = most_urgent(row.sla_clocks)
        if clock is None:
            clock_key = None
        else:
            clock_key = (
                clock.kind,
                clock.policy_name,
                clock.state,
                clock.paused,
                clock.breached,
                clock.warned,
                clock.time_left_seconds,
                clock.due_at,
            )
        sla = clocks.get(clock_key)
        if sla is None:
            sla = _keep(clocks, clock_key, sla_cell(clock, language, dates))
        at = row.opened_at
        opened = opened_cells.get(at)
        if opened is None:
            opened = _keep(opened_cells, at, opened_cell(*dates(at)))
        tail = None
        if agent:
            take = (number, number in takeable)
            parts = tails.get(take)
            if parts is None:
                written = take_cell(records_url, escape(number), words.take, take[1], CUT)
                parts = _keep(tails, take, tuple(written.split(CUT, 1)))
            tail = back.join(parts)  # one part: no button, nothing to carry
        out.append(
            row_html(
                cells,
                sla,
                opened,
                ago % {"since": escape(timesince(at, now, time_strings=since_words))},
                tail,
            )
        )
    return "".join(out)
