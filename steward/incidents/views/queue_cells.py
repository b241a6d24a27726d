"""The queue's row, cell by cell: the one writer of its HTML, which the queue's rows
(``incident_queue._rows``) join for each row and ``queue_text`` keeps per process by the
values each part is drawn from (decision 0097). The HTML is the row template's
(tests/incidents/reference/, tests/incidents/test_queue_rows_html.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext

from steward.incidents.choices import Status
from steward.web.templatetags.steward_ui import (
    NO_CLOCK,
    Dates,
    priority_badge,
    sla_html,
    status_badge,
)


class Words(NamedTuple):
    """The row template's words in the active language: {% translate %} escaped its text,
    {% blocktranslate %} only the values put into it."""

    select: str
    unselectable: str
    major: str
    ago: str
    take: str
    labels: dict[Any, str]

    @classmethod
    def current(cls) -> Words:
        return cls(
            select=gettext("Select %(number)s"),
            unselectable=conditional_escape(gettext("Not assignable to you")),
            major=format_html(' <span class="badge major">{}</span>', gettext("MAJOR")),
            ago=gettext("%(since)s ago"),
            take=conditional_escape(gettext("Take")),
            labels={value: str(label) for value, label in Status.choices},
        )


def head(
    row: Any,
    number: str,
    *,
    agent: bool,
    selectable: bool,
    records_url: str,
    words: Words,
    escape: Callable[[Any], str],
    priorities: dict[Any, str],
    statuses: dict[Any, str],
    back: str = "",
) -> str:
    """A row's cells before its SLA badge, joined as the row joins them: the tick box, the
    number, priority, title, status, team, assignee and (for agents) the caller. The tick
    box only where ``selectable`` (``selectors.incidents_selectable``): elsewhere the row
    says why there is none, so a bulk action is never offered for a row it would refuse.
    ``priorities`` and ``statuses``: the page's badges by value, filled as they are drawn;
    ``back``: the record link's ``?back=…`` to a filtered queue (escaped), "" for none."""
    cells = []
    if agent and selectable:
        cells.append(
            f'<td><input type="checkbox" name="numbers" value="{number}" '
            f'aria-label="{words.select % {"number": number}}"></td>'
        )
    elif agent:
        cells.append(f'<td><span class="muted">{words.unselectable}</span></td>')
    major = words.major if row.is_major else ""
    cells.append(f'<td><a href="{records_url}{number}/{back}">{number}</a>{major}</td>')
    priority = row.priority
    cell = priorities.get(priority)
    if cell is None:
        cell = priorities[priority] = f"<td>{priority_badge(priority)}</td>"
    cells.append(cell)
    cells.append(f"<td>{escape(row.title)}</td>")
    status = row.status
    cell = statuses.get(status)
    if cell is None:
        label = words.labels.get(status) or row.get_status_display()
        cell = statuses[status] = f"<td>{status_badge(status, label)}</td>"
    cells.append(cell)
    team = row.team.name if row.team is not None else ""
    cells.append(f'<td class="optional">{escape(team or "—")}</td>')
    cells.append(f"<td>{escape(row.assignee or '—')}</td>")
    if agent:
        cells.append(f'<td class="optional">{escape(row.caller)}</td>')
    return "\n  ".join(cells)


def sla_cell(clock: Any, language: str | None, dates: Dates) -> str:
    """The SLA badge's cell for the row's most urgent clock (as ``sla_badge`` draws it)."""
    return f"<td>{NO_CLOCK if clock is None else sla_html(clock, language, dates)}</td>"


def opened_cell(stamp: str, shown: str) -> str:
    """The opened cell up to its "… ago" (which ``row`` puts after it)."""
    return f'<td class="optional"><time datetime="{stamp}" title="{shown}">'


def take_cell(records_url: str, number: str, take: str, takeable: bool, back: str = "") -> str:
    """The Take cell; ``back``: as ``head``'s, so the record page taking leads to keeps the
    way back to a filtered queue."""
    button = (
        f'<button type="button" class="link" hx-post="{records_url}{number}/take/{back}" '
        f'hx-target="#queue-alert" hx-select="div.error">{take}</button>'
        if takeable
        else ""
    )
    return f"<td>{button}</td>"


def row_html(head: str, sla: str, opened: str, since: str, tail: str | None) -> str:
    """One ``<tr>``: its cells one a line (``tail``, the Take cell, only for agents)."""
    tail = "" if tail is None else f"\n  {tail}"
    return f"<tr>\n  {head}\n  {sla}\n  {opened}{since}</time></td>{tail}\n</tr>\n"
