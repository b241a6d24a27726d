"""Expiry of silent alerts: the worker closes live alerts no event has reached for
``STEWARD_EVENT_ALERT_EXPIRY_HOURS`` (closed_by expired, audited, an outbox event), once
even when two runs overlap; 0 turns it off; the setting is checked at start-up."""

from __future__ import annotations

import datetime as dt
import threading
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.utils import timezone

from steward import conf
from steward.core import leases
from steward.core.models import AuditEntry, OutboxMessage
from steward.events import services, tasks
from steward.events.models import Alert
from steward.events.services import expiry
from tests.events.conftest import send

pytestmark = pytest.mark.django_db


def aged(alert: Alert, hours: float) -> Alert:
    Alert.objects.filter(pk=alert.pk).update(last_seen=timezone.now() - dt.timedelta(hours=hours))
    return alert


def test_an_alert_silent_longer_than_the_expiry_is_closed_once(monitor, settings):
    settings.EVENT_ALERT_EXPIRY_HOURS = 24
    silent = aged(send(monitor, node="a").alert, 25)
    recent = aged(send(monitor, node="b").alert, 23)
    acked = aged(send(monitor, node="c").alert, 30)
    Alert.objects.filter(pk=acked.pk).update(state="acknowledged")

    assert services.alerts_expire() == 2
    assert services.alerts_expire() == 0  # idempotent

    states = dict(Alert.objects.values_list("pk", "closed_by"))
    assert states == {silent.pk: "expired", recent.pk: "", acked.pk: "expired"}
    assert Alert.objects.get(pk=silent.pk).state == "closed"
    assert OutboxMessage.objects.filter(topic="alert.closed", payload__by="expired").count() == 2
    entry = AuditEntry.objects.filter(object_id=str(silent.pk)).latest("id")
    assert (entry.changes, entry.actor_label) == (
        {"state": ["open", "closed"]},
        "system:alert-expiry",
    )


def test_the_next_event_after_expiry_raises_a_new_alert(monitor, settings):
    settings.EVENT_ALERT_EXPIRY_HOURS = 1
    old = aged(send(monitor).alert, 2)
    services.alerts_expire()

    again = send(monitor)

    assert again.outcome == "created"
    assert again.alert.pk != old.pk


def test_zero_never_expires(monitor, settings):
    settings.EVENT_ALERT_EXPIRY_HOURS = 0
    aged(send(monitor).alert, 10_000)

    assert services.alerts_expire() == 0
    assert Alert.objects.get().state == "open"


def test_an_alert_an_event_reached_meanwhile_is_left_open(monitor, settings, monkeypatch):
    """The run re-reads each alert locked: an event landing between the run's list of
    silent alerts and its lock on one moves last_seen, and that alert stays open."""
    settings.EVENT_ALERT_EXPIRY_HOURS = 1
    alert = aged(send(monitor).alert, 2)
    other = aged(send(monitor, node="other").alert, 2)
    real_atomic = transaction.atomic
    landed = []

    def event_then_atomic(*args, **kwargs):
        if not landed:  # the first alert's transaction: its event arrives just before
            landed.append(send(monitor).alert.pk)
        return real_atomic(*args, **kwargs)

    # the expiry module's own name only: the event's ingest keeps Django's atomic
    monkeypatch.setattr(expiry, "transaction", SimpleNamespace(atomic=event_then_atomic))
    closed = services.alerts_expire()
    monkeypatch.undo()

    assert landed == [alert.pk]  # the run listed it (oldest first), then the event came
    assert closed == 1
    assert Alert.objects.get(pk=alert.pk).state == "open"
    assert Alert.objects.get(pk=other.pk).state == "closed"


def test_the_task_skips_while_another_run_holds_its_lease(monitor, settings):
    settings.EVENT_ALERT_EXPIRY_HOURS = 1
    aged(send(monitor).alert, 2)

    with leases.held("events-alert-expiry", dt.timedelta(minutes=5)):
        skipped = tasks.expire_silent_alerts.call_local()
    done = tasks.expire_silent_alerts.call_local()

    assert skipped is None
    assert done == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_close_each_alert_once(settings):
    """Two workers past the lease (one's lease expired mid-run): the locked re-read makes
    every alert closed, audited and announced exactly once."""
    from steward.core.actor import Actor
    from steward.events import services as event_services

    settings.EVENT_ALERT_EXPIRY_HOURS = 1
    sender = Actor.system("monitor")
    for n in range(20):
        done = event_services.event_ingest(
            sender, source="nagios", node=f"n{n}", resource="ping", severity="info", summary="s"
        )
        aged(done.alert, 2)
    barrier = threading.Barrier(2)
    closed: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            closed.append(services.alerts_expire())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(closed) == 20, closed
    assert set(Alert.objects.values_list("closed_by", flat=True)) == {"expired"}
    assert OutboxMessage.objects.filter(topic="alert.closed").count() == 20
    expired = AuditEntry.objects.filter(actor_label="system:alert-expiry")
    assert expired.count() == 20


@pytest.mark.parametrize("raw", ["-1", "a day", "1.5"])
def test_a_bad_expiry_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("STEWARD_EVENT_ALERT_EXPIRY_HOURS", raw)

    with pytest.raises(SystemExit, match="STEWARD_EVENT_ALERT_EXPIRY_HOURS"):
        conf.env("STEWARD_EVENT_ALERT_EXPIRY_HOURS")
