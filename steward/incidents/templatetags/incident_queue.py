"""The incident queue's rows: ``{% load incident_queue %}{% incident_rows page.items %}``.

Rendered here in one pass instead of an ``{% include %}`` of a row template per row: the
include copied the context and resolved some twenty variables, tags and filters per row,
and the rows were two thirds of the queue page's time (docs/benchmarks-incidents.md). The
words are translated once per page, not once per row. The HTML is what the row template
rendered, row for row: tests/incidents/test_queue_rows_html.py renders that template
(kept in tests/incidents/reference/) beside this tag on the demo's queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import timesince_filter
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from steward.incidents.choices import Status
from steward.web.templatetags.steward_ui import priority_badge, sla_badge, status_badge, when

register = template.Library()


@register.simple_tag(takes_context=True)
def incident_rows(context: template.Context, rows: Iterable[Any]) -> SafeString:
    """Each row (``selectors.rows.QueueRow`` or an ``Incident``) as the queue's ``<tr>``;
    agents get the tick box, the caller and Take (where ``takeable`` names the row)."""
    agent = bool(context.get("can_work_queue"))
    takeable = context.get("takeable") or ()
    records_url = conditional_escape(context.get("records_url", ""))
    # the row template's words: {% translate %} escaped its text, {% blocktranslate %} only
    # the values put into it
    select = gettext("Select %(number)s")
    major = format_html(' <span class="badge major">{}</span>', gettext("MAJOR"))
    ago = gettext("%(since)s ago")
    take = conditional_escape(gettext("Take"))
    labels = {value: str(label) for value, label in Status.choices}
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
        cells.append(f"<td>{priority_badge(row.priority)}</td>")
        cells.append(f"<td>{conditional_escape(row.title)}</td>")
        label = labels.get(row.status) or row.get_status_display()
        cells.append(f"<td>{status_badge(row.status, label)}</td>")
        team = row.team.name if row.team is not None else ""
        cells.append(f'<td class="optional">{conditional_escape(team or "—")}</td>')
        cells.append(f"<td>{conditional_escape(row.assignee or '—')}</td>")
        if agent:
            cells.append(f'<td class="optional">{conditional_escape(row.caller)}</td>')
        cells.append(f"<td>{sla_badge(row.sla_clocks)}</td>")
        opened = row.opened_at
        since = ago % {"since": conditional_escape(timesince_filter(opened))}
        cells.append(
            '<td class="optional"><time datetime="{}" title="{}">{}</time></td>'.format(
                conditional_escape(date_filter(template_localtime(opened), "c")),
                conditional_escape(when(opened)),
                since,
            )
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
