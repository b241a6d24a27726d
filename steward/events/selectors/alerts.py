"""Reads of alerts, scoped to what the actor may see: agents see the alerts of the
organisations they serve and of none (an alert takes its CI's organisation), requesters
none, so they get 404s."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from steward.cmdb import selectors as cmdb_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import follow_visible, scope_to_organisations
from steward.events.choices import LIVE_STATES, StateFilter
from steward.events.models import Alert
from steward.events.selectors.permissions import can_read
from steward.events.selectors.windows import mark_in_maintenance
from steward.incidents import selectors as incident_selectors

ORDER = ("-last_seen", "-id")
RELATED = ("acknowledged_by",)


def alert_visible(actor: Actor) -> QuerySet[Alert]:
    if not can_read(actor):
        return Alert.objects.none()
    return scope_to_organisations(actor, Alert.objects.all())


def _shown(actor: Actor, qs: QuerySet[Alert]) -> QuerySet[Alert]:
    """What a shown alert needs; its CI or incident reads as None when the actor may not see
    it (a CI-less alert is everyone's, its incident may be another organisation's): joined
    for whoever sees everything, else one statement per link for a whole page."""
    links = {
        "configuration_item": cmdb_selectors.ci_visible(actor),
        "incident": incident_selectors.incident_visible(actor),
    }
    return follow_visible(actor, qs.select_related(*RELATED), links)


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
    qs = _shown(actor, alert_visible(actor))
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
    page = paginate(qs, order=ORDER, cursor=cursor, limit=limit)
    mark_in_maintenance(page.items, timezone.now())
    return page


def alert_get(actor: Actor, *, pk: object) -> Alert:
    """One alert; ``NotFound`` for absent and invisible alike."""
    alert = _shown(actor, alert_visible(actor)).filter(pk=_id(pk)).first()
    if alert is None:
        raise NotFound()
    mark_in_maintenance([alert], timezone.now())
    return alert


def alert_for_update(actor: Actor, *, pk: object) -> Alert:
    alert = alert_visible(actor).select_for_update().filter(pk=_id(pk)).first()
    if alert is None:
        raise NotFound()
    return alert


def live_alert_for_update(fingerprint: str) -> Alert | None:
    """The live alert of a fingerprint, locked (the ingest's dedup; the fingerprint carries
    the sender's organisation scope, so it names only an alert the sender may see)."""
    return (
        Alert.objects.select_for_update()
        .filter(fingerprint=fingerprint, state__in=LIVE_STATES)
        .first()
    )
