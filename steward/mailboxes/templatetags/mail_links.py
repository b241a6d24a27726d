"""``{% opening_mail record as url %}``: on an incident's or a request's page, the address of
the mail that opened it, for agents (empty otherwise: the page then shows nothing)."""

from __future__ import annotations

from django import template
from django.urls import reverse

from steward.mailboxes import selectors
from steward.mailboxes.selectors.messages import INCIDENT, REQUEST

register = template.Library()
ROUTES = {INCIDENT: "mailboxes:opened_incident", REQUEST: "mailboxes:opened_request"}


@register.simple_tag(takes_context=True)
def opening_mail(context: template.Context, record: object) -> str:
    """The opening message's page, or '' (not an agent, or not opened by mail)."""
    actor = getattr(context.get("request"), "actor", None)
    record_type = record._meta.label_lower  # type: ignore[attr-defined]
    if actor is None or record_type not in ROUTES:
        return ""
    number = record.number  # type: ignore[attr-defined]
    if not selectors.opened_by_mail(actor, record_type=record_type, number=number):
        return ""
    return reverse(ROUTES[record_type], args=[number])
