"""Which CMDB CI an event's node is: a CI whose ``fqdn`` or ``hostname`` identification
value is the node (compared as the CMDB compares them: trimmed, case-folded), else one whose
name is the node; the node's first label is tried after the whole name
(``web01.example.com``, then ``web01``). Several CIs answering to one name match none: the
alert stays without a CI rather than on the wrong one."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from steward.changes import selectors as change_selectors
from steward.cmdb import selectors as cmdb_selectors
from steward.cmdb.models import ConfigurationItem
from steward.core.actor import Actor
from steward.events.choices import ClosedBy, State
from steward.events.models import Alert, UnseenClear
from steward.events.selectors.windows import window_covering

NODE_KEYS = ("fqdn", "hostname")


def _names(node: str) -> list[str]:
    whole = node.strip().lower()
    short = whole.split(".", 1)[0]
    return [whole] if short in ("", whole) else [whole, short]


def ci_for_node(actor: Actor, node: str) -> ConfigurationItem | None:
    """The one CI the actor may see that ``node`` names, or None."""
    visible = cmdb_selectors.ci_visible(actor).only("id", "number", "organisation_id")
    for name in _names(node):
        if not name:
            continue
        by_key = Q(identifiers__key__in=NODE_KEYS, identifiers__value=name)
        found = list(visible.filter(by_key | Q(name__iexact=name)).distinct()[:2])
        if len(found) == 1:
            return found[0]
        if found:
            return None
    return None


def maintenance_change(actor: Actor, ci_id: int | None, at: dt.datetime) -> str | None:
    """The change (number) the actor may see whose planned window holds the CI at ``at``:
    the alert is expected, part of planned work (the changes app's ``change_in_window``)."""
    if ci_id is None:
        return None
    return change_selectors.change_in_window(actor, ci_id=ci_id, at=at)


def in_maintenance(actor: Actor, node: str, ci_id: int | None, at: dt.datetime) -> bool:
    """Whether an alert of ``node`` and ``ci_id`` is expected at ``at``: under a manual
    maintenance window (one statement), else under a change's window (one more, when there
    is a CI). One answer from the alert's point of view, whichever window holds it."""
    if window_covering(node, ci_id, at) is not None:
        return True
    return maintenance_change(actor, ci_id, at) is not None


def last_closed_flaps(fingerprint: str) -> tuple[object, dt.datetime | None]:
    """The flapping history of the fingerprint's last closed alert (``[]``, None without
    one): one statement on the partial index ``event_alert_last_closed``."""
    row = (
        Alert.objects.filter(fingerprint=fingerprint, state=State.CLOSED)
        .order_by("-closed_at")
        .values_list("flap_changes", "flapping_until")
        .first()
    )
    return row if row is not None else ([], None)


def cleared_last(fingerprint: str, *, started_at: dt.datetime | None = None) -> bool:
    """Whether the fingerprint's last closed alert was cleared by its source (not closed
    by an agent or expired): one statement on the partial index ``event_alert_last_closed``.
    With ``started_at`` (a firing's own start, Alertmanager's ``startsAt``): cleared, and
    its occurrence began then or later, so a firing that began then is already over."""
    row = (
        Alert.objects.filter(fingerprint=fingerprint, state=State.CLOSED)
        .order_by("-closed_at")
        .values_list("closed_by", "started_at")
        .first()
    )
    if row is None or row[0] != ClosedBy.CLEAR:
        return False
    return started_at is None or (row[1] is not None and row[1] >= started_at)


def cleared_unseen(
    fingerprint: str, *, since: dt.datetime, started_at: dt.datetime | None = None
) -> bool:
    """Whether the fingerprint's source cleared, since ``since``, an occurrence Steward never
    raised (``UnseenClear``) that began at or after ``started_at`` (None: any, a key of one
    occurrence): a firing of it now is its late delivery. One statement on the unique index
    ``(fingerprint, started_at)``, read only when a firing would raise a new alert."""
    rows = UnseenClear.objects.filter(fingerprint=fingerprint, received_at__gte=since)
    if started_at is not None:
        rows = rows.filter(started_at__gte=started_at)
    return rows.exists()
