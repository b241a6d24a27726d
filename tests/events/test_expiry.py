"""Expiry of silent alerts: the worker closes live alerts no event has reached for
``STEWARD_EVENT_ALERT_EXPIRY_HOURS`` (closed_by expired, audited, an outbox event), once
even when two runs overlap; 0 turns it off; the setting is checked at start-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward import conf
from steward.core import leases
from steward.core.models import AuditEntry, OutboxMessage
from steward.events import services, tasks
from steward.events.models import Alert
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


def test_an_alert_an_event_reached_meanwhile_is_left_open(monitor, settings):
    """The run re-reads each alert locked: last_seen moved by an event is not expired."""
    settings.EVENT_ALERT_EXPIRY_HOURS = 1
    alert = aged(send(monitor).alert, 2)
    now = timezone.now()
    send(monitor)  # the event lands between the run's id list and its lock

    assert services.alerts_expire(now=now) == 0
    assert Alert.objects.get(pk=alert.pk).state == "open"


def test_the_task_skips_while_another_run_holds_its_lease(monitor, settings):
    settings.EVENT_ALERT_EXPIRY_HOURS = 1
    aged(send(monitor).alert, 2)

    with leases.held("events-alert-expiry", dt.timedelta(minutes=5)):
        skipped = tasks.expire_silent_alerts.call_local()
    done = tasks.expire_silent_alerts.call_local()

    assert skipped is None
    assert done == 1


@pytest.mark.parametrize("raw", ["-1", "a day", "1.5"])
def test_a_bad_expiry_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("STEWARD_EVENT_ALERT_EXPIRY_HOURS", raw)

    with pytest.raises(SystemExit, match="STEWARD_EVENT_ALERT_EXPIRY_HOURS"):
        conf.env("STEWARD_EVENT_ALERT_EXPIRY_HOURS")
