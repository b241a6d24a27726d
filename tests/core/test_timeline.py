"""The record timeline shows names, labels and local times, in a fixed number of queries."""

import datetime as dt
import re
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from steward.core.models import Comment
from steward.core.selectors.timeline import format_datetime, record_timeline
from steward.core.services import team_create, team_update
from steward.incidents.models import Incident
from steward.incidents.services import incident_comment, incident_create, incident_update
from steward.web.timeline import timeline_html
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
SHOWN = re.compile(r"^\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d$")


@pytest.fixture
def berlin_agent(agent_actor):
    agent_actor.user.time_zone = "Europe/Berlin"
    agent_actor.user.first_name, agent_actor.user.last_name = "Ada", "Agent"
    agent_actor.user.save()
    return agent_actor


@pytest.fixture
def worked(berlin_agent, admin_actor):
    team_create(admin_actor, name="Service Desk", slug="desk", members=[berlin_agent.user.username])
    return incident_create(berlin_agent, title="Printer jam", caller="caller1x")


@pytest.fixture(autouse=True)
def caller(db):
    return factories.requester(username="caller1x")


def _comments(incident):
    return Comment.objects.filter(object_id=str(incident.pk))


def _work(actor, incident):
    incident_update(
        actor,
        number=incident.number,
        expected_version=None,
        changes={"team": "desk", "assignee": actor.user.username},
    )
    incident_update(
        actor, number=incident.number, expected_version=None, changes={"status": "in_progress"}
    )
    incident_comment(actor, number=incident.number, body="On it.")


def test_values_read_as_names_labels_and_local_times(berlin_agent, worked):
    _work(berlin_agent, worked)
    timeline = record_timeline(berlin_agent, worked, comments=_comments(worked))

    changes = {}
    for entry in timeline:  # newest first: keep each field's latest move
        if entry.action == "Updated":
            for change in entry.changes:
                changes.setdefault(change.name, change)
    assert changes["assignee"].label == "Assignee"
    assert changes["assignee"].old == "—"
    assert changes["assignee"].new == "Ada Agent"
    assert changes["team"].new == "Service Desk"
    assert (changes["status"].old, changes["status"].new) == ("New", "In progress")
    first = Incident.objects.get(pk=worked.pk).first_response_at
    assert changes["first_response_at"].label == "First response at"
    assert changes["first_response_at"].new == format_datetime(
        first,
        dt.timezone(dt.timedelta(hours=1)),  # Berlin in December
    )
    for entry in timeline:
        assert SHOWN.match(entry.when)
        assert entry.at.utcoffset() == dt.timedelta(hours=1)
        for change in entry.changes:
            assert not ISO.search(change.old + change.new), change
    assert [e.kind for e in timeline][:1] == ["comment"]  # newest first
    assert timeline[0].who == "Ada Agent"


def test_a_german_reader_reads_the_action_and_the_field_names_in_german(berlin_agent, worked):
    """A German agent read "Cara Change (web) · updated" and "Planned start: …" on every
    record's history (walk29): the audit action and the fields' labels stayed English."""
    _work(berlin_agent, worked)
    with translation.override("de"):
        timeline = record_timeline(berlin_agent, worked, comments=_comments(worked))
        html = timeline_html(timeline, created_text="", is_agent=True)
        updated = [e for e in timeline if e.action == "Updated"]
        assert {e.action_text for e in updated} == {"aktualisiert"}
    labels = {c.name: c.label for e in updated for c in e.changes}
    assert (labels["assignee"], labels["status"]) == ("Bearbeiter", "Status")
    assert "· aktualisiert ·" in html
    assert "updated" not in html


def test_the_channel_reads_as_words_in_the_readers_language(berlin_agent, worked):
    """The history read "Sam Desk (web) · …" (the stored code), also in German, where a
    mailed change read "(email)"."""
    with translation.override("de"):
        [created] = record_timeline(berlin_agent, worked, comments=_comments(worked))
        html = timeline_html([created], created_text="", is_agent=True)
        mailed = replace(created, channel="email")
        assert (mailed.channel_label, str(replace(created, channel="system").channel_label)) == (
            "E-Mail",
            "System",
        )
    assert "Ada Agent (Web) ·" in html


def test_requesters_get_comments_without_history(berlin_agent, worked, caller):
    _work(berlin_agent, worked)
    timeline = record_timeline(as_actor(caller), worked, comments=_comments(worked))
    assert [e.kind for e in timeline] == ["comment"]


def test_team_history_names_the_lead(admin_actor, berlin_agent):
    team = team_create(admin_actor, name="Network", slug="net")
    team_update(
        admin_actor, slug="net", expected_version=None, changes={"lead": berlin_agent.user.username}
    )
    timeline = record_timeline(admin_actor, team, comments=[])
    [lead] = [c for e in timeline if e.action == "Updated" for c in e.changes if c.name == "lead"]
    assert (lead.label, lead.old, lead.new) == ("Lead", "—", "Ada Agent")


def test_the_query_count_does_not_grow_with_the_entries(
    berlin_agent, worked, django_assert_max_num_queries
):
    _work(berlin_agent, worked)
    with CaptureQueriesContext(connection) as few:
        short = record_timeline(berlin_agent, worked, comments=_comments(worked))
    for n in range(8):
        incident_update(
            berlin_agent,
            number=worked.number,
            expected_version=None,
            changes={"assignee": None if n % 2 else berlin_agent.user.username},
        )
        incident_comment(berlin_agent, number=worked.number, body=f"note {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        long = record_timeline(berlin_agent, worked, comments=_comments(worked))
    assert len(long) > len(short) + 10


def test_an_app_rewrites_stored_values_for_the_reader_once_for_all_rows(berlin_agent, worked):
    _work(berlin_agent, worked)
    seen: list[int] = []

    def values(rows):
        seen.append(len(rows))
        return lambda name, value: (
            "someone you cannot see" if name == "assignee" and value else value
        )

    timeline = record_timeline(berlin_agent, worked, comments=[], values=values)
    [assignee] = [
        c for e in timeline if e.action == "Updated" for c in e.changes if c.name == "assignee"
    ]
    assert (assignee.old, assignee.new) == ("—", "someone you cannot see")
    assert len(seen) == 1
    assert seen[0] == len(timeline)
