"""The month calendar's cells and chips written in Python (decision 0073).

A month page draws up to 42 x 6 chips in 42 cells: through ``format_html`` (every value
through Django's lazy-aware ``conditional_escape``) and the template's nested loops that was
two fifths of the page's CPU. Here each value is escaped once with ``html.escape`` (what
Django's ``escape`` calls) and each cell is one f-string, written character for character
as ``changes/calendar.html``'s loop writes it. ``BUILT = False`` puts the old path back
(``format_html`` chips, the template's loop): the tests render both and compare the pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from html import escape
from typing import Any, Protocol
from urllib.parse import quote

from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

# False: chips by ``format_html`` and the month's cells by the template's loop, as before
# decision 0073; tests compare the two
BUILT = True

# one change in a month or week cell (up to 6 x 42 of them per page)
CHIP = (
    '<a class="cal-change edge-{}{}" href="{}" title="{}" data-status="{}">'
    '<i class="dot status-{}"></i><span class="sr-only">{}</span> {} {}{} '
    '<span class="muted">{}</span></a>'
)
FLAG = ' <span class="flag">{}</span>'


def chip(
    level: str, conflict: bool, url: str, title: str, status: str, label: str, time: str,
    number: str, flag: str, name: str,
) -> SafeString:  # fmt: skip
    """One chip, ``CHIP`` as ``format_html`` writes it, of values escaped by the caller
    (``flag`` is HTML; ``time`` is "HH:MM", nothing to escape)."""
    return SafeString(
        f'<a class="cal-change edge-{level}{" conflict" if conflict else ""}" href="{url}"'
        f' title="{title}" data-status="{status}"><i class="dot status-{status}"></i>'
        f'<span class="sr-only">{label}</span> {time} {number}{flag}'
        f' <span class="muted">{name}</span></a>'
    )


class Cell(Protocol):
    """What a cell shows of a day (``views.calendar.Day``)."""

    date: dt.date
    in_month: bool
    iso: str
    shown: list[dict]
    more: int
    freezes: list[Any]


def month_rows(weeks: Iterable[Iterable[Cell]], *, today: str, team: str, ci: str) -> str:
    """The month table's ``<tbody>`` rows as the template's loop writes them ("" with
    ``BUILT`` off: the template writes them)."""
    if not BUILT:
        return ""
    # as {% translate %} writes a word (escaped, "%%" as "%") and {{ x|urlencode }} a value
    freeze = conditional_escape(gettext("Freeze:")).replace("%%", "%")
    more_words = gettext("+ %(more)s more")
    scope = f"&amp;team={escape(quote(team))}&amp;ci={escape(quote(ci))}"
    out = []
    for week in weeks:
        out.append("<tr>\n    ")
        for d in week:
            names = [escape(str(f.name)) for f in d.freezes]
            title = f' title="{freeze} {", ".join(names)}"' if names else ""
            flags = "".join(f' <span class="flag frozen">{n}</span>' for n in names)
            chips = "".join([e["chip"] for e in d.shown])
            more = ""
            if d.more:
                words = more_words % {"more": conditional_escape(str(localize(d.more)))}
                more = f'<a href="?view=day&amp;date={d.iso}{scope}">{words}</a>'
            classes = (
                ("" if d.in_month else "out")
                + (" frozen" if names else "")
                + (" today" if d.iso == today else "")
            )
            out.append(
                f'<td class="{classes}" data-date="{d.iso}"{title}>\n'
                f'      <span class="date">{d.date.day}</span>{flags}\n'
                f"      {chips}\n      {more}\n    </td>"
            )
        out.append("\n  </tr>")
    return SafeString("".join(out))
