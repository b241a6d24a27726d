"""The iCalendar feeds: authenticated by the token in the URL, RFC 5545 as a real parser
reads it, holding exactly the scheduled changes the owner may see."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from steward.changes import services
from steward.changes.models import Change
from steward.changes.views import ical
from tests import factories
from tests.changes.conftest import scheduled, window
from tests.conftest import as_actor


def feed_path(url: str) -> str:
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1]


@pytest.fixture
def feed(agent_actor):
    token = services.feed_token_issue(agent_actor)
    return token


def test_the_feed_parses_and_holds_the_scheduled_changes(client, agent_actor, cm, new_change, feed):
    start, end = window()
    title = "Upgrade; core, switch \\ with a very long title that certainly needs folding ✓✓✓✓"
    shown = scheduled(
        agent_actor,
        cm,
        new_change(
            title=title[:200],
            planned_start=start,
            planned_end=end,
            description="line one\nline two",
        ),
    )
    new_change(planned_start=start, planned_end=end)  # a draft: not in the feed

    response = client.get(f"/changes/feed/{feed}.ics")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")
    parsed = icalendar.Calendar.from_ical(raw)
    events = parsed.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"{shown.number}@steward.local"]
    (event,) = events
    assert event.decoded("DTSTART") == start.astimezone(dt.UTC)
    assert event.decoded("DTEND") == end.astimezone(dt.UTC)
    assert event.decoded("DTSTART").tzinfo is not None
    assert str(event["SUMMARY"]) == f"{shown.number} {title}"
    assert "line one\nline two" in str(event["DESCRIPTION"])
    assert "DTSTAMP" in event


def test_a_team_feed_holds_only_that_teams_changes(client, agent_actor, cm, new_change, feed):
    team = factories.TeamFactory(slug="net")
    start, end = window()
    ours = scheduled(agent_actor, cm, new_change(team="net", planned_start=start, planned_end=end))
    scheduled(
        agent_actor, cm, new_change(planned_start=end, planned_end=end + dt.timedelta(hours=1))
    )

    response = client.get(f"/changes/feed/{feed}/teams/{team.slug}.ics")

    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["UID"]).split("@")[0] for e in events] == [ours.number]
    assert client.get(f"/changes/feed/{feed}/teams/no-such-team.ics").status_code == 404


def test_an_unknown_or_rotated_token_is_404(client, agent_actor, feed):
    assert client.get("/changes/feed/not-a-token.ics").status_code == 404
    services.feed_token_issue(agent_actor)
    assert client.get(f"/changes/feed/{feed}.ics").status_code == 404


def test_the_feed_shows_only_what_its_owner_may_see(client, agent_actor, cm, new_change):
    start, end = window()
    change = scheduled(agent_actor, cm, new_change(planned_start=start, planned_end=end))
    requester = factories.requester(username="feedreq")
    token = services.feed_token_issue(as_actor(requester))

    events = icalendar.Calendar.from_ical(client.get(f"/changes/feed/{token}.ics").content).walk(
        "VEVENT"
    )
    assert events == []
    Change.objects.filter(pk=change.pk).update(requester=requester)
    events = icalendar.Calendar.from_ical(client.get(f"/changes/feed/{token}.ics").content).walk(
        "VEVENT"
    )
    assert len(events) == 1


def test_the_api_issues_feed_urls_once(agent_api):
    response = agent_api.post("/api/v1/changes/feed", {})

    assert response.status_code == 201
    assert "/changes/feed/" in response.json()["personal"]
    assert "{team}" in response.json()["team_template"]
    assert Change.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a,b", "a\\,b"), ("a;b", "a\\;b"), ("a\\b", "a\\\\b"), ("a\nb", "a\\nb")],
)
def test_text_escaping(text, escaped):
    assert ical.escape(text) == escaped


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "é" * 100
    folded = ical.fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(parts) == line
