"""The change page's moves as a person reads them (walkthrough 38): scheduling a change
whose test plan is empty said only "Invalid value for: test_plan." above the moves, a
field name and no way on; and a German change manager read the move, review and comment
forms' labels and the conflict refusal in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from steward.changes import services
from steward.changes.models import Change
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")
LOCAL = "%Y-%m-%dT%H:%M"
PLANS = {"implementation_plan": "Patch, restart.", "backout_plan": "Restore the snapshot."}


def _window(days: int) -> tuple[dt.datetime, dt.datetime]:
    start = (timezone.now() + dt.timedelta(days=days)).replace(
        hour=20, minute=0, second=0, microsecond=0
    )
    return start, start + dt.timedelta(hours=2)


def _authorised(actor: Actor, title: str, ci: str, **fields) -> Change:
    """A normal change on ``ci`` moved to authorisation; nobody may approve it in this
    world (no change manager), so it may be scheduled at once."""
    start, end = _window(3)
    change = services.change_create(
        actor, title=title, cis=[ci], planned_start=start, planned_end=end, **fields
    )
    for status in ("assessment", "authorization"):
        change = services.change_update(
            actor, number=change.number, expected_version=None, changes={"status": status}
        )
    return change


def _schedule(client: Client, change: Change, **extra: str):
    return client.post(
        f"/changes/{change.number}/move/",
        {
            "version": change.version,
            "status": "scheduled",
            "planned_start": timezone.localtime(change.planned_start).strftime(LOCAL),
            "planned_end": timezone.localtime(change.planned_end).strftime(LOCAL),
            **extra,
        },
    )


def test_scheduling_without_a_test_plan_says_what_to_fill_in(agent_user):
    me = as_actor(agent_user)
    server = ci_create(SYSTEM, ci_class="server", name="srv-plans")
    change = _authorised(me, "Patch srv-plans", server.number, **PLANS)
    client = Client()
    client.force_login(agent_user)

    answer = _schedule(client, change)

    assert answer.status_code == 422
    page = answer.content.decode()
    assert "Invalid value for" not in page
    assert "test_plan" not in page.replace('name="test_plan"', "")
    assert "A plan of the change is empty: Test plan. Edit the change to fill it in" in page
    assert Change.objects.get(pk=change.pk).status == "authorization"


def test_a_german_change_manager_reads_the_moves_and_their_refusals_in_german(german_agent):
    me = as_actor(german_agent)
    server = ci_create(SYSTEM, ci_class="server", name="srv-de")
    first = _authorised(me, "Erster Tausch", server.number, test_plan="Anmelden.", **PLANS)
    client = Client()
    client.force_login(german_agent)
    assert _schedule(client, first).status_code in (200, 303)
    second = _authorised(me, "Zweiter Tausch", server.number, test_plan="Anmelden.", **PLANS)

    page = client.get(f"/changes/{second.number}/").content.decode()
    for german in ("Begründung für die Ausnahme", "Kommentar", "Interne Arbeitsnotiz"):
        assert german in page
    for english in ("Override reason", "Required to schedule despite", "Internal work note"):
        assert english not in page

    refused = _schedule(client, second).content.decode()
    said = f"Das geplante Zeitfenster kollidiert mit {first.number} Erster Tausch, am selben CI"
    assert said in refused
    assert "collides" not in refused
