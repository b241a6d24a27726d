"""The incident page's facts list written in Python (decision 0098), character for character
as ``incidents/detail.html`` writes it with ``WRITTEN`` off.

Some 25 look-ups through the template engine, the ``get_*_display`` calls, ``|when`` and
``|date:'c'``, a dozen ``{% translate %}`` and the SLA rows' ``{% blocktranslate %}`` were the
largest part of the page's template. Here each value is escaped once with
``conditional_escape`` (what the template's autoescaping calls), each ``{% translate %}`` is
``translated`` (translated, "%%" as "%", escaped) and each ``{% blocktranslate %}`` its
message with the escaped values put in (the message itself is not escaped, as there).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from steward.core.labels import display
from steward.mailboxes import selectors as mail_selectors
from steward.mailboxes.selectors.messages import INCIDENT
from steward.web.templatetags.steward_ui import sla_badge_one, sla_kind, when
from steward.web.timeline import iso, translated

# False: the template writes the facts, as before decision 0098 (the tests compare the two)
WRITTEN = True


def _ci(number: str, text: str) -> str:
    return f'<a href="{esc(reverse("cmdb:detail", args=[number]))}">{text}</a>'


def _time(value: Any) -> str:
    return f'<time datetime="{esc(iso(value))}">{esc(when(value))}</time>'


def _or_dash(value: Any) -> str:
    """``{{ value|default:"—" }}``."""
    return esc(value) if value else "—"


def facts_html(actor: Any, incident: Any, can: Any, impact: Any) -> SafeString:
    """``<dl class="facts">…</dl>`` for this reader (``can.is_requester_view``: the caller's
    view), the incident's CI ``impact`` (or ``None``)."""
    caller_view = can.is_requester_view
    lines = []
    add = lines.append
    organisation = f" · {esc(incident.organisation)}" if incident.organisation else ""
    add(f"<dt>{translated('Caller')}</dt><dd>{esc(incident.caller)}{organisation}</dd>")
    sub = f" › {esc(incident.subcategory)}" if incident.subcategory else ""
    add(f"<dt>{translated('Category')}</dt><dd>{_or_dash(incident.category)}{sub}</dd>")
    add(
        f"<dt>{translated('Impact / urgency')}</dt><dd>{esc(display(incident, 'impact'))}"
        f" / {esc(display(incident, 'urgency'))}</dd>"
    )
    reason = incident.priority_override_reason
    add(f"<dt>{translated('Priority override')}</dt><dd>{esc(reason)}</dd>" if reason else "")
    add(
        f"<dt>{translated('Team / assignee')}</dt><dd>{_or_dash(incident.team)}"
        f" / {_or_dash(incident.assignee)}</dd>"
    )
    service = incident.affected_service
    if not service:
        shown = "—"
    elif caller_view:
        shown = esc(service.name)
    else:
        shown = _ci(service.number, f"{esc(service.number)} {esc(service.name)}")
    if impact:
        start = impact.start
        ci = _ci(start.number, f"{esc(start.number)} {esc(start.name)}")
    elif incident.configuration_item:
        item = incident.configuration_item
        ci = f"{esc(item.number)} {esc(item.name)}"
    else:
        ci = "—"
    add(f"<dt>{translated('Service / CI')}</dt><dd>{shown} /\n      {ci}</dd>")
    if impact:
        nodes = impact.business_services
        hit = (
            ", ".join(_ci(n.number, esc(n.name)) for n in nodes)
            if nodes
            else translated("none found in the CMDB")
        )
        add(f"<dt>{translated('Affected services')}</dt><dd>{hit}</dd>")
    else:
        add("")
    mail = ""
    if incident.channel == "email":
        # ``{% opening_mail %}``: the opening message's page, for an agent (decision 0089)
        number = incident.number
        if mail_selectors.opened_by_mail(actor, record_type=INCIDENT, number=number):
            opened = esc(reverse("mailboxes:opened_incident", args=[number]))
            mail = f' (<a href="{opened}">{translated("the message")}</a>)'
    add(f"<dt>{translated('Channel')}</dt><dd>{esc(display(incident, 'channel'))}{mail}</dd>")
    external = ""
    if incident.external_id is not None and not caller_view:  # decision 0094's reference
        source = f"{esc(incident.external_source)}: " if incident.external_source else ""
        value = f"{source}{esc(incident.external_id)}"
        external = f"<dt>{translated('External reference')}</dt><dd>{value}</dd>"
    add(external)
    add(f"<dt>{translated('Opened')}</dt><dd>{_time(incident.opened_at)}</dd>")
    first = incident.first_response_at
    add(f"<dt>{translated('First response')}</dt><dd>{_time(first)}</dd>" if first else "")
    resolved = incident.resolved_at
    add(
        f"<dt>{translated('Resolved')}</dt><dd>{_time(resolved)} · "
        f"{esc(display(incident, 'resolution_code'))}</dd>"
        if resolved
        else ""
    )
    held = incident.on_hold_reason
    add(
        f"<dt>{translated('On hold')}</dt><dd>{esc(display(incident, 'on_hold_reason'))}</dd>"
        if held
        else ""
    )
    parent = incident.parent
    if parent:
        url = esc(reverse("incidents:detail", args=[parent.number]))
        add(f'<dt>{translated("Parent")}</dt><dd><a href="{url}">{esc(parent.number)}</a></dd>')
    else:
        add("")
    count = esc(localize(incident.reassignment_count))
    add("" if caller_view else f"<dt>{translated('Reassignments')}</dt><dd>{count}</dd>")
    head = '<dl class="facts">\n' + "".join(f"    {line}\n" for line in lines)
    # the caller's branch of the template's {% if %} ends with a line break and indent
    tail = "\n    " if caller_view else ""
    clocks = _clocks(incident.sla_clocks, caller_view)
    return SafeString(f"{head}    \n    {clocks}{tail}\n  </dl>")


def _clocks(clocks: Any, caller_view: bool) -> str:
    """The SLA rows: the caller's plain expectation, or the desk's clocks with their badges."""
    if caller_view:
        expected = translated("Expected")
        words = gettext("We aim to resolve this by %(due)s.")
        return "".join(
            f"<dt>{expected}</dt><dd>{words % {'due': esc(when(c.due_at))}}</dd>"
            for c in clocks
            if c.kind == "resolution" and c.state == "running" and c.due_at and not c.breached
        )
    words = gettext("SLA %(kind)s")
    policy = gettext("(policy %(policy)s)")  # the kind is the label's: not said again
    return "".join(
        f"<dt>{words % {'kind': esc(sla_kind(c.kind))}}</dt><dd>{sla_badge_one(c, named=False)}\n"
        f'      <span class="muted">{policy % {"policy": esc(c.policy_name)}}</span></dd>'
        for c in clocks
    )
