"""Zabbix's webhook media type parameters posted as they are: a problem raises (or repeats)
an alert of source ``zabbix`` keyed by {EVENT.ID}, its recovery closes it; every bad or
unresolved parameter is a 422 naming it, never a 500; agents with a writing token only."""

from __future__ import annotations

from typing import Any

import pytest

from steward.events.models import Alert
from tests import factories
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/zabbix"


@pytest.fixture
def zabbix_api():
    return api_client_for(factories.agent(username="zabbix-server"), scopes=("write",))


def params(**overrides: Any) -> dict[str, Any]:
    """What the media type's parameters resolve to for a High problem."""
    values = {
        "event_id": "48213",
        "event_value": "1",
        "severity": "4",
        "host": "web01.example.com",
        "trigger": "High CPU utilization",
        "summary": "High CPU utilization (over 90% for 5m)",
        "event_tags": "scope:performance",
        "event_opdata": "Current utilization: 97 %",
        "trigger_url": "",
        "event_date": "2026.12.06",
        "event_time": "06:40:12",
        "token": "dropped by the script, ignored if sent",
    }
    values.update(overrides)
    return values


def test_a_problem_raises_an_alert_and_its_recovery_closes_it(zabbix_api):
    raised = zabbix_api.post(URL, params())
    repeat = zabbix_api.post(URL, params(severity="5"))
    recovered = zabbix_api.post(URL, params(event_value="0", severity="0"))
    again = zabbix_api.post(URL, params(event_value="0"))

    assert raised.status_code == 201, raised.content
    body = raised.json()["alert"]
    assert (body["source"], body["node"], body["resource"]) == (
        "zabbix",
        "web01.example.com",
        "High CPU utilization",
    )
    assert (body["key"], body["severity"]) == ("48213", "major")
    assert body["summary"] == "High CPU utilization (over 90% for 5m)"
    assert body["details"] == {
        "event_tags": "scope:performance",
        "event_opdata": "Current utilization: 97 %",
        "event_date": "2026.12.06",
        "event_time": "06:40:12",
    }
    assert body["incident"] is not None
    assert repeat.json()["alert"]["severity"] == "critical"
    assert recovered.json()["outcome"] == "closed"
    assert again.json() == {"outcome": "ignored", "alert": None}
    assert Alert.objects.get().closed_by == "clear"


@pytest.mark.parametrize(
    ("level", "severity"),
    [
        ("0", "info"),
        ("1", "info"),
        ("2", "warning"),
        ("3", "minor"),
        ("4", "major"),
        ("5", "critical"),
    ],
)
def test_zabbix_severities_map(zabbix_api, level, severity):
    response = zabbix_api.post(URL, params(severity=level))

    assert response.json()["alert"]["severity"] == severity


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("event_id", "{EVENT.ID}"),  # a macro Zabbix left unresolved
        ("event_id", None),
        ("event_id", 48213),
        ("event_value", "2"),
        ("severity", "6"),
        ("severity", "{EVENT.NSEVERITY}"),
        ("host", ""),
        ("host", "h" * 20_001),  # past the parameter's bound; 300 is taken (0121)
        ("host", ["web01"]),
        ("trigger", None),
        ("summary", 5),
        ("event_tags", {"scope": "x"}),
        ("event_opdata", "x" * 5000),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(zabbix_api, field, value):
    response = zabbix_api.post(URL, params(**{field: value}))

    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Alert.objects.exists()


@pytest.mark.parametrize("raw", ["null", "", "[]", '"x"', "{"])
def test_a_body_that_is_no_parameters_is_a_4xx(zabbix_api, raw):
    response = zabbix_api.post(URL, raw)

    assert 400 <= response.status_code < 500
    assert not Alert.objects.exists()


def test_requesters_and_read_tokens_may_not_send(requester_api):
    reader = api_client_for(factories.agent(), scopes=("read",))

    assert requester_api.post(URL, params()).status_code == 403
    assert requester_api.post(URL, params(severity="9")).status_code == 403
    assert reader.post(URL, params()).status_code == 403
    assert not Alert.objects.exists()


def test_long_details_within_the_parameters_limits_are_cut_not_refused(zabbix_api):
    """Each detail parameter is within its documented length (4,000) and kept up to 2,048
    characters; together, in JSON, they could pass the alert's 8 KiB of details (text in
    Cyrillic is two bytes a character, a line break or a quote two in JSON), and the whole
    event was a 422 naming ``event_tags``: the problem was never raised, and Zabbix does not
    send it again. The details are cut to fit; the alert is raised."""
    sent = params(
        event_tags="служба:веб, " * 300,
        event_opdata='Значение: "97 %"\n' * 200,
        trigger_url="https://zabbix.example.com/" + "й" * 3000,
    )

    response = zabbix_api.post(URL, sent)

    assert response.status_code == 201, response.content
    details = Alert.objects.get().details
    assert details["event_tags"].startswith("служба:веб, служба:веб")
    assert details["event_opdata"].startswith('Значение: "97 %"\n')
    assert details["trigger_url"].startswith("https://zabbix.example.com/йй")
    assert details["event_date"] == "2026.12.06"


def test_a_problem_delivered_after_its_recovery_opens_nothing_again(zabbix_api):
    """Zabbix's alerters send concurrently and retry a webhook that timed out: the
    problem's message can arrive after its recovery's. {EVENT.ID} is that one problem, over
    once recovered: the late message is ``ignored``, not a second alert with a second
    incident for a problem that no longer exists. A new problem (a new id) is raised; an
    alert an agent closed by hand is raised again by its problem's next message."""
    from steward.core.actor import Actor
    from steward.events import services
    from steward.incidents.models import Incident

    assert zabbix_api.post(URL, params()).status_code == 201
    assert zabbix_api.post(URL, params(event_value="0")).json()["outcome"] == "closed"

    late = zabbix_api.post(URL, params())

    assert late.status_code == 200, late.content
    assert late.json() == {"outcome": "ignored", "alert": None}
    assert Alert.objects.count() == 1
    assert Incident.objects.count() == 1
    assert zabbix_api.post(URL, params(event_id="48214")).status_code == 201
    alert = Alert.objects.get(key="48214")
    services.alert_close(Actor(user=factories.agent()), pk=alert.pk)  # closed by an agent: not over
    assert zabbix_api.post(URL, params(event_id="48214")).status_code == 201


def test_a_trigger_name_past_its_column_is_taken_cut_and_whole_in_the_details(zabbix_api):
    """{TRIGGER.NAME} with its macros expanded can pass 255 characters (and the 1,000 the
    parameters allowed): the problem was a 422 and never raised. It is taken, cut to the
    column, the whole name in the details beside the others, all within 8 KiB."""
    trigger = "Free disk space is less than 5% on volume " + "/mnt/data" * 150
    sent = params(trigger=trigger, event_tags="t" * 4000, event_opdata="o" * 4000)

    response = zabbix_api.post(URL, sent)

    assert response.status_code == 201, response.content
    alert = Alert.objects.get()
    assert alert.resource == trigger[:254] + "\u2026"
    assert alert.details["steward.resource"] == trigger
    assert alert.details["event_tags"] == "t" * 2046


def test_a_host_name_past_its_column_is_taken_cut_and_whole_in_the_details(zabbix_api):
    """A {HOST.HOST} past 255 characters (and the 1,000 the parameters allowed) was a 422:
    the problem never raised. It is taken, the node cut to the column, whole in the
    details; its recovery (the same {EVENT.ID}) closes it."""
    host = "zbx-" + "h" * 1500

    response = zabbix_api.post(URL, params(host=host))
    recovered = zabbix_api.post(URL, params(host=host, event_value="0", severity="0"))

    assert response.status_code == 201, response.content
    assert recovered.json()["outcome"] == "closed"
    alert = Alert.objects.get()
    assert alert.node == host[:254] + "\u2026"
    assert alert.details["steward.node"] == host
