"""Flapping (decision 0105): a condition that changes state (raised, cleared) more than
``STEWARD_EVENT_FLAP_CHANGES`` times within ``STEWARD_EVENT_FLAP_MINUTES`` opens no
incident and adds no work note until it has been stable that long. A frozen clock moves
the time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward import conf
from steward.core.models import Comment, OutboxMessage
from steward.events.models import Alert
from steward.incidents.models import Incident
from tests.conftest import api_client_for
from tests.events.conftest import send

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)


class Clock:
    """``timezone.now`` frozen at a moment the test moves."""

    def __init__(self, monkeypatch):
        self.at = START
        monkeypatch.setattr(timezone, "now", lambda: self.at)

    def advance(self, minutes: float) -> None:
        self.at += dt.timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch, settings):
    settings.EVENT_FLAP_CHANGES = 4
    settings.EVENT_FLAP_MINUTES = 30
    return Clock(monkeypatch)


def fire(monitor):
    return send(monitor, severity="critical").alert


def clear(monitor):
    return send(monitor, severity="clear").alert


def flap(monitor, clock, times: int, every: float = 2) -> Alert:
    """``times`` state changes, firing first, ``every`` minutes apart; the last alert."""
    alert = None
    for n in range(times):
        alert = fire(monitor) if n % 2 == 0 else clear(monitor)
        clock.advance(every)
    return alert


def test_more_changes_than_the_limit_make_it_flapping_and_it_opens_no_incident(monitor, clock):
    flap(monitor, clock, 4)  # raised, cleared, raised, cleared: two incidents
    assert Incident.objects.count() == 2

    fifth = fire(monitor)

    assert fifth.is_flapping
    assert fifth.incident_id is None
    assert Incident.objects.count() == 2
    assert fifth.flapping_until == clock.at + dt.timedelta(minutes=30)
    assert OutboxMessage.objects.filter(topic="alert.flapping").count() == 1
    assert OutboxMessage.objects.get(topic="alert.raised", object_id=str(fifth.pk)).payload[
        "flapping"
    ]


def test_the_limit_itself_is_not_flapping(monitor, clock):
    flap(monitor, clock, 3)
    fourth = clear(monitor)

    assert not fourth.is_flapping
    assert not OutboxMessage.objects.filter(topic="alert.flapping").exists()


def test_changes_spread_wider_than_the_period_are_not_flapping(monitor, clock):
    last = flap(monitor, clock, 7, every=10)  # never more than 4 within 30 minutes

    assert not last.is_flapping
    assert Incident.objects.count() == 4


def test_a_flapping_alerts_clear_adds_no_work_note(monitor, clock, settings):
    settings.EVENT_FLAP_CHANGES = 3
    flap(monitor, clock, 3)  # raised (incident 1), cleared (its note), raised (incident 2)
    second = Alert.objects.order_by("-id").first()
    notes_before = Comment.objects.count()

    cleared = clear(monitor)  # the fourth change: flapping from here

    assert cleared.pk == second.pk
    assert cleared.is_flapping
    assert Comment.objects.count() == notes_before
    assert Incident.objects.get(pk=second.incident_id).status not in ("resolved", "closed")


def test_it_stays_flapping_while_it_changes_and_recovers_after_a_stable_period(monitor, clock):
    flap(monitor, clock, 5)  # flapping from the fifth change
    flap(monitor, clock, 6, every=10)  # an hour more of changes, each moving the end on
    assert Alert.objects.order_by("-id").first().is_flapping
    assert Incident.objects.count() == 2

    clock.advance(31)  # stable (cleared) for longer than the period
    again = fire(monitor)

    assert not again.is_flapping
    assert again.incident is not None


def test_a_flapping_alert_that_stays_raised_opens_its_incident_once_stable(
    monitor, clock, agent_user
):
    flapping = flap(monitor, clock, 5, every=1)  # the fifth change raised it, flapping
    assert flapping.is_flapping
    assert flapping.incident_id is None
    api = api_client_for(agent_user)
    shown = api.get(f"/api/v1/alerts/{flapping.pk}").json()
    assert (shown["flapping"], shown["flapping_until"] is not None) == (True, True)

    clock.advance(20)
    assert fire(monitor).incident_id is None  # a repeat is no state change: still flapping
    clock.advance(11)  # 31 minutes since its last change
    repeat = fire(monitor)

    assert repeat.pk == flapping.pk
    assert not repeat.is_flapping
    assert repeat.incident is not None
    assert api.get(f"/api/v1/alerts/{flapping.pk}").json()["flapping"] is False


def test_the_console_and_the_alert_page_show_the_badge(monitor, clock, agent_user, client):
    alert = flap(monitor, clock, 5, every=1)
    client.force_login(agent_user)

    console = client.get("/events/").content.decode()
    page = client.get(f"/events/{alert.pk}/").content.decode()

    assert "badge-flapping" in console
    assert "badge-flapping" in page


def test_zero_changes_turns_detection_off(monitor, clock, settings):
    settings.EVENT_FLAP_CHANGES = 0

    last = flap(monitor, clock, 9, every=1)

    assert not last.is_flapping
    assert Incident.objects.count() == 5


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("STEWARD_EVENT_FLAP_CHANGES", "-1"),
        ("STEWARD_EVENT_FLAP_CHANGES", "101"),
        ("STEWARD_EVENT_FLAP_CHANGES", "many"),
        ("STEWARD_EVENT_FLAP_MINUTES", "0"),
        ("STEWARD_EVENT_FLAP_MINUTES", "1441"),
        ("STEWARD_EVENT_FLAP_MINUTES", "1.5"),
    ],
)
def test_a_bad_setting_stops_the_start(monkeypatch, name, raw):
    monkeypatch.setenv(name, raw)

    with pytest.raises(SystemExit, match=name):
        conf.env(name)


def test_the_defaults_are_sane(monkeypatch):
    monkeypatch.delenv("STEWARD_EVENT_FLAP_CHANGES", raising=False)
    monkeypatch.delenv("STEWARD_EVENT_FLAP_MINUTES", raising=False)

    assert (conf.env("STEWARD_EVENT_FLAP_CHANGES"), conf.env("STEWARD_EVENT_FLAP_MINUTES")) == (
        4,
        30,
    )
