"""A monitoring event in: deduplicated into its live alert (one per fingerprint, held by
the partial unique constraint ``event_alert_one_live``), matched to a CMDB CI when new,
and handed to the incident rule; a ``clear`` closes the live alert (docs/events.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import PermissionDenied
from steward.core.selectors.scoping import served_organisation_ids
from steward.events import selectors
from steward.events.choices import ClosedBy, Outcome, Severity, State
from steward.events.models import Alert
from steward.events.services import flapping, rules, unseen
from steward.events.services.validation import clean_event, stored_event

# marked for the catalogue, translated where it is said (the reader's language then)
SEND_REFUSED = gettext_noop("Only agents with a writing token send events.")
AUDITED = (
    "source",
    "node",
    "resource",
    "key",
    "severity",
    "summary",
    "state",
    "count",
    "in_maintenance",
    "flapping_until",
)


@dataclass(frozen=True)
class Ingested:
    """What one event did, and to which alert (None: a clear without a live alert)."""

    outcome: str
    alert: Alert | None


def fingerprint(
    source: str, node: str, resource: str, key: str = "", *, scope: list[int] | None = None
) -> str:
    """The dedup key: source + key when the source names its own, else source + node +
    resource; compared case-insensitively, blanks trimmed. ``scope``: the organisations a
    limited sender serves (None: unrestricted, the key as it always was), so a sender's
    events join only alerts raised within its own scope, which it may see (decision 0095)."""
    parts = (source, "key", key) if key else (source, node, resource)
    if scope is not None:
        parts = (*parts, "scope", ",".join(str(pk) for pk in sorted(set(scope))))
    text = "\x1f".join(p.strip().lower() for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def sender_fingerprint(actor: Actor, clean: dict[str, Any]) -> str:
    """The fingerprint of a cleaned event as ``actor`` sends it: within the sender's
    organisation scope. A limited sender's CI match sees only its organisations' CIs and
    those of none, so the alerts of its scope are ones it may see."""
    parts = (clean["source"], clean["node"], clean["resource"], clean["key"])
    return fingerprint(*parts, scope=served_organisation_ids(actor))


def event_ingest(
    actor: Actor,
    *,
    once: bool = False,
    started_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    **values: Any,
) -> Ingested:
    """Take one event (source, node, resource, severity, summary, optional details and
    key): a new alert, a repeat of the live one, or its clear. ``once``: the key names one
    occurrence that its source ends for good (Zabbix's problem id): once its clear closed
    the alert, a firing event of it is a late delivery (a retry after a timeout, sent
    before the clear), ``ignored``, not a second alert and a second incident.
    ``started_at``: when the source says this occurrence began (Alertmanager's
    ``startsAt``; its key, the fingerprint, names every occurrence of the condition): the
    alert's own times order the deliveries, not their arrival. A firing that began no later
    than the cleared occurrence's start is a late delivery of it, ``ignored``; a clear of an
    occurrence that began before the live alert's is a late one of an earlier occurrence,
    ``ignored`` too (decision 0121). A clear that closes nothing but can order its firing
    (``once`` or ``started_at``; ``ended_at``, its ``endsAt``, kept beside) is remembered a
    day, so that firing's late delivery is ignored too (``unseen``, decision 0124)."""
    if not selectors.can_work(actor):
        raise PermissionDenied(gettext(SEND_REFUSED))
    clean = clean_event(values)
    # of the whole name and node: either cut to its column below still dedups as it was sent
    print_ = sender_fingerprint(actor, clean)
    # from here on the node is the alert's (cut, when long): the CI match and the windows at
    # the raise read the same node as every later check of the alert (decision 0121)
    clean = stored_event(clean)
    now = timezone.now()
    with transaction.atomic():
        alert = selectors.live_alert_for_update(print_)
        if clean["severity"] == Severity.CLEAR:
            if alert is None and (once or started_at is not None):
                unseen.clear_remember(print_, started_at=started_at, ended_at=ended_at, now=now)
            if alert is None or _began_before(started_at, alert.started_at):
                return Ingested(Outcome.IGNORED, None)
            _clear(actor, alert, clean["summary"], now)
            return Ingested(Outcome.CLOSED, alert)
        outcome = Outcome.UPDATED
        if alert is None:
            if _over(print_, once, started_at, now):
                return Ingested(Outcome.IGNORED, None)
            alert, outcome = _insert(actor, print_, {**clean, "started_at": started_at}, now)
        if outcome == Outcome.UPDATED:
            was_in_maintenance = alert.in_maintenance
            _repeat(actor, alert, clean, now, started_at)
            if not was_in_maintenance:
                _maintenance_started(actor, alert, now)
        rules.open_incident_if_due(actor, alert)
    return Ingested(outcome, alert)


def _insert(actor: Actor, print_: str, clean: dict[str, Any], now) -> tuple[Alert, str]:
    """The new alert, or, when a concurrent event inserted it first, that one (locked)."""
    ci = selectors.ci_for_node(actor, clean["node"])
    ci_id = ci.pk if ci else None
    flaps = flapping.Flaps([], None, False)
    if flapping.enabled():  # raised again: a state change of the fingerprint
        flaps = flapping.state_changed(*selectors.last_closed_flaps(print_), now)
    alert = Alert(
        fingerprint=print_,
        first_seen=now,
        last_seen=now,
        configuration_item=ci,
        organisation_id=ci.organisation_id if ci else None,
        in_maintenance=selectors.in_maintenance(actor, clean["node"], ci_id, now),
        flap_changes=flaps.changes,
        flapping_until=flaps.until,
        **clean,
    )
    try:
        with transaction.atomic():  # a savepoint: the other insert's row is read after it
            alert.save(force_insert=True)
    except IntegrityError:
        existing = selectors.live_alert_for_update(print_)
        if existing is None:  # not the constraint: a real error
            raise
        return existing, Outcome.UPDATED
    audit.record(actor, alert, action=AuditAction.CREATE, after=audit.snapshot(alert, AUDITED))
    outbox.emit(
        "alert.raised",
        alert,
        severity=alert.severity,
        ci=alert.configuration_item_id,
        in_maintenance=alert.in_maintenance,
        flapping=alert.is_flapping,
    )
    if flaps.started:
        outbox.emit("alert.flapping", alert, until=alert.flapping_until.isoformat())
    return alert, Outcome.CREATED


def _over(print_: str, once: bool, started_at: dt.datetime | None, now) -> bool:
    """Whether a firing with nothing live is a late delivery of an occurrence its source
    already ended: its last alert cleared by the source, or its clear remembered though
    Steward never raised it (``unseen``). Read only for a firing that would raise."""
    since = now - unseen.REMEMBERED
    if once and (selectors.cleared_last(print_) or selectors.cleared_unseen(print_, since=since)):
        return True
    if started_at is None:
        return False
    return selectors.cleared_last(print_, started_at=started_at) or selectors.cleared_unseen(
        print_, since=since, started_at=started_at
    )


def _began_before(started_at: dt.datetime | None, live_start: dt.datetime | None) -> bool:
    """Whether a clear's occurrence began before the live alert's: a late resolved of an
    occurrence already over (unknown on either side: not before, the arrival decides)."""
    return started_at is not None and live_start is not None and started_at < live_start


def _repeat(
    actor: Actor, alert: Alert, clean: dict[str, Any], now, started_at: dt.datetime | None = None
) -> None:
    """Another occurrence: counted and dated; severity, summary and details as it says; the
    source's start of the occurrence moves forward only (a late delivery does not undo it)."""
    before = {"severity": alert.severity, "summary": alert.summary}
    alert.count += 1
    alert.last_seen = now
    alert.severity, alert.summary = clean["severity"], clean["summary"]
    alert.details = clean["details"] or alert.details
    if started_at is not None and (alert.started_at is None or started_at > alert.started_at):
        alert.started_at = started_at
    alert.save(update_fields=["count", "last_seen", "severity", "summary", "details", "started_at"])
    if before["severity"] != alert.severity:  # repeats alone are counted, not audited
        audit.record(actor, alert, before=before, after=audit.snapshot(alert, before))
        outbox.emit("alert.severity_changed", alert, severity=alert.severity)
    if alert.in_maintenance:
        _maintenance_over(actor, alert, now)


def _maintenance_over(actor: Actor, alert: Alert, now) -> None:
    """An event of an alert raised in maintenance: still in the change's window, nothing;
    after it, the alert is no longer expected and the incident rule applies to it again.
    Read only for alerts in maintenance, so an ordinary repeat costs nothing more."""
    if selectors.in_maintenance(actor, alert.node, alert.configuration_item_id, now):
        return
    alert.in_maintenance = False
    alert.save(update_fields=["in_maintenance"])
    audit.record(actor, alert, before={"in_maintenance": True}, after={"in_maintenance": False})
    outbox.emit("alert.maintenance_ended", alert)


def _maintenance_started(actor: Actor, alert: Alert, now) -> None:
    """A live alert about to open its incident while a window now holds it (one started
    after it was raised): in maintenance from here, as a new alert would be. Read only when
    the rule would open an incident, so an ordinary repeat costs nothing more."""
    if alert.in_maintenance or not rules.incident_due(alert):
        return
    if not selectors.in_maintenance(actor, alert.node, alert.configuration_item_id, now):
        return
    alert.in_maintenance = True
    alert.save(update_fields=["in_maintenance"])
    audit.record(actor, alert, before={"in_maintenance": False}, after={"in_maintenance": True})
    outbox.emit("alert.maintenance_started", alert)


def _clear(actor: Actor, alert: Alert, summary: str, now) -> None:
    before = audit.snapshot(alert, ("state", "count", "flapping_until"))
    alert.state, alert.closed_at, alert.closed_by = State.CLOSED, now, ClosedBy.CLEAR
    alert.count += 1
    alert.last_seen = now
    flaps = flapping.state_changed(alert.flap_changes, alert.flapping_until, now)
    alert.flap_changes, alert.flapping_until = flaps.changes, flaps.until
    alert.save(
        update_fields=[
            "state",
            "closed_at",
            "closed_by",
            "count",
            "last_seen",
            "flap_changes",
            "flapping_until",
        ]
    )
    audit.record(actor, alert, before=before, after=audit.snapshot(alert, before))
    outbox.emit("alert.closed", alert, by=ClosedBy.CLEAR, flapping=alert.is_flapping)
    if flaps.started:
        outbox.emit("alert.flapping", alert, until=alert.flapping_until.isoformat())
    if not alert.is_flapping:  # a flapping alert's clears notify nobody (decision 0105)
        rules.note_clear_on_incident(actor, alert, summary)
