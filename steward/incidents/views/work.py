"""The incident page's "Work it" panel (``{% partialdef work %}`` of ``incidents/detail.html``)
written in Python for a page read with fresh forms (decision 0117), character for character
as the template writes it with ``WRITTEN`` off.

The panel was three fifths of the page's template (1.2 of 2.0 ms in process at 1,000,000
incidents): some 60 look-ups through the engine (the form behind its lazy proxy, each move's
fields, the abilities), its ``{% url %}``, ``{% translate %}`` and ``{% csrf_token %}`` tags
and two ``form_errors`` includes that write nothing for a fresh form. The fields themselves
are rendered as before (``steward.web.fields``: kept per value, or their widget alone). A
page answering a failed form (``submit``: a bound form, with its errors, or a ``stale``
notice) is drawn by the template, as before.
"""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from steward.core import labels
from steward.core.labels import display
from steward.web import fields
from steward.web.timeline import translated

# False: the template writes the panel, as before decision 0117 (the tests compare the two)
WRITTEN = True
ERRORS = "components/form_errors.html"
PRIMARY = ' class="primary"'


def _errors() -> str:
    """``{% include "components/form_errors.html" with form=… %}`` of a fresh form (no
    errors, not stale): the include's own line breaks."""
    return get_template(ERRORS).render({})


def work_html(
    request: HttpRequest,
    incident: Any,
    can: Any,
    form: BaseForm,
    take: BaseForm,
    *,
    back: str = "",
) -> str:
    """The panel for this reader (``can``) with the fresh update ``form`` and take form
    ``take``; "" when either is bound (the template draws it then). ``back``: the forms'
    addresses' ``?back=…`` (the queue the page was opened from), "" for none."""
    if not WRITTEN or take.is_bound:
        return ""
    if can.is_requester_view and not can.moves:  # the form is not read (nor built)
        return SafeString("\n\n\n")
    if (can.is_requester_view or can.can_edit) and form.is_bound:
        return ""
    update_url = esc(f"{reverse('incidents:update', args=[incident.number])}{back}")
    errors = labels.word(("form_errors", ERRORS), _errors)
    if can.is_requester_view:
        reason = fields.render(form["reason"]) if incident.status == "resolved" else ""
        moves = "".join(
            f'<button type="submit" name="status" value="{esc(m.target)}" '
            f'data-status="{esc(m.target)}">{esc(m.label)}</button>'
            for m in can.moves
        )
        return SafeString(
            f'\n\n<section class="card" id="work" data-arrival>\n'
            f"  <h2>{translated('Your incident')}</h2>\n"
            f'  <form method="post" action="{update_url}" hx-post="{update_url}" '
            f'hx-target="#work" hx-swap="outerHTML" novalidate>\n'
            f"    {_csrf(request)}\n"
            f"    {form['version']}\n"
            f"    {errors}\n"
            f"    \n"
            f"    {reason}\n"
            f'    <div class="actions">\n'
            f"      {moves}\n"
            f"    </div>\n"
            f"  </form>\n"
            f"</section>\n"
        )
    if can.can_edit:
        panel = "".join(
            f'\n        <div class="wide">{fields.render(field)}</div>\n      '
            if field.name in form.WIDE
            else f"\n        {fields.render(field)}\n      "
            for field in form.panel_fields
        )
        reason = (
            f'<div class="wide">{fields.render(form["reason"])}</div>'
            if incident.status == "resolved"
            else ""
        )
        moves = "".join(
            f'<button type="submit" name="status" value="{esc(m.target)}"'
            f"{PRIMARY if m.primary else ''} "
            f'data-status="{esc(m.target)}">{esc(m.label)}</button>'
            for m in can.moves
        )
        take_it = ""
        if can.can_take:
            take_url = esc(f"{reverse('incidents:take', args=[incident.number])}{back}")
            take_it = (
                f'<button type="button" hx-post="{take_url}" hx-target="#work" '
                f'hx-swap="outerHTML" data-shortcut="t">{translated("Take it (t)")}</button>'
            )
        body = (
            f'\n  <form method="post" action="{update_url}" hx-post="{update_url}" '
            f'hx-target="#work" hx-swap="outerHTML" novalidate>\n'
            f"    {_csrf(request)}\n"
            f"    {form['version']}\n"
            f"    {errors}\n"
            f"    \n"
            f'    <div class="form-grid">\n'
            f"      {panel}\n"
            f"    </div>\n"
            f"    {reason}\n"
            f'    <button type="submit">{translated("Save")}</button>\n'
            f'    <div class="actions">\n'
            f"      {moves}\n"
            f"      {take_it}\n"
            f"    </div>\n"
            f"  </form>\n"
            f"  "
        )
    else:
        words = gettext("%(status)s: nothing more to do.")
        body = f'<p class="muted">{words % {"status": esc(display(incident, "status"))}}</p>'
    return SafeString(
        f'\n\n<section class="card" id="work" data-arrival>\n'
        f"  <h2>{translated('Work it')}</h2>\n"
        f"  {errors}\n"
        f"  {body}\n"
        f"</section>\n"
    )


def _csrf(request: HttpRequest) -> str:
    """``{% csrf_token %}``: the hidden input with a masked token."""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(get_token(request))}">'
