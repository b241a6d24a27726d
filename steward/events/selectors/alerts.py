"""Reads of alerts, scoped to what the actor may see: agents see the alerts of the
organisations they serve and of none (an alert takes its CI's organisation), requesters
none, so they get 404s."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import scope_to_organisations
from steward.events.choices import LIVE_STATES, StateFilter
from steward.events.models import Alert
from steward.events.selectors.permissions import can_read

ORDER = ("-last_seen", "-id")
RELATED = ("configuration_item", "incident", "acknowledged_by")


def alert_visible(actor: Actor) -> QuerySet[Alert]:
    if not can_read(actor):
        return Alert.objects.none()
    return scope_to_organisations(actor, Alert.objects.all())


def _id(pk: object) -> int:
    text = str(pk)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise NotFound()
    return int(text)


def alert_list(
    actor: Actor,
    *,
    state: str = StateFilter.LIVE,
    severity: str = "",
    source: str = "",
    ci: str = "",
    q: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of alerts, the latest activity first; ``q`` matches node, resource, summary."""
    qs = alert_visible(actor).select_related(*RELATED)
    if state == StateFilter.LIVE:
        qs = qs.filter(state__in=LIVE_STATES)
    elif state and state != StateFilter.ALL:
        qs = qs.filter(state=state)
    if severity:
        qs = qs.filter(severity=severity)
    if source.strip():
        qs = qs.filter(source__iexact=source.strip())
    if ci.strip():
        qs = qs.filter(configuration_item__number=ci.strip().upper())
    for word in q.split()[:4]:
        qs = qs.filter(
            Q(node__icontains=word) | Q(resource__icontains=word) | Q(summary__icontains=word)
        )
    return paginate(qs, order=ORDER, cursor=cursor, limit=limit)


def alert_get(actor: Actor, *, pk: object) -> Alert:
    """One alert; ``NotFound`` for absent and invisible alike."""
    alert = alert_visible(actor).select_related(*RELATED).filter(pk=_id(pk)).first()
    if alert is None:
        raise NotFound()
    return alert


def alert_for_update(actor: Actor, *, pk: object) -> Alert:
    alert = alert_visible(actor).select_for_update().filter(pk=_id(pk)).first()
    if alert is None:
        raise NotFound()
    return alert


def live_alert_for_update(fingerprint: str) -> Alert | None:
    """The live alert of a fingerprint, locked (the ingest's dedup; not scoped: a source's
    events join its alert whoever sends them)."""
    return (
        Alert.objects.select_for_update()
        .filter(fingerprint=fingerprint, state__in=LIVE_STATES)
        .first()
    )
