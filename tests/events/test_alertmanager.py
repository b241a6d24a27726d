"""Alertmanager's own webhook body (version 4): each alert one event of source
``prometheus`` (fingerprint the key, ``resolved`` a clear), all checked before any is
written, 422s naming ``alerts.<n>.<field>`` for a bad body, never a 500; agents only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.models import AuditEntry
from steward.events.models import Alert
from steward.incidents.models import Incident
from tests import factories
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/alertmanager"
STATEMENTS = 5  # cache stamp, then per alert: savepoint, locked read, update, release


@pytest.fixture
def monitor_api():
    return api_client_for(factories.agent(username="alertmanager-bot"), scopes=("write",))


def am_alert(**overrides: Any) -> dict[str, Any]:
    """One alert as Alertmanager 0.27 writes it."""
    alert = {
        "status": "firing",
        "labels": {
            "alertname": "HighLoad",
            "instance": "web01.example.com:9100",
            "job": "node",
            "severity": "critical",
        },
        "annotations": {"summary": "Load above 20", "description": "Load is 31\nfor 5m"},
        "startsAt": "2026-12-06T06:00:00.000Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph?g0.expr=load",
        "fingerprint": "a1b2c3d4e5f60718",
    }
    alert.update(overrides)
    return alert


def notification(*alerts: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body = {
        "version": "4",
        "groupKey": '{}:{alertname="HighLoad"}',
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "steward",
        "groupLabels": {"alertname": "HighLoad"},
        "commonLabels": {"alertname": "HighLoad"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": list(alerts) or [am_alert()],
    }
    body.update(overrides)
    return body


def test_a_firing_alert_becomes_an_alert_and_its_incident(monitor_api):
    response = monitor_api.post(URL, notification())

    assert response.status_code == 200, response.content
    [result] = response.json()["alerts"]
    assert result["outcome"] == "created"
    alert = Alert.objects.get(pk=result["alert"])
    assert (alert.source, alert.node, alert.resource) == (
        "prometheus",
        "web01.example.com",
        "HighLoad",
    )
    assert (alert.key, alert.severity, alert.summary) == (
        "a1b2c3d4e5f60718",
        "critical",
        "Load above 20",
    )
    assert alert.details["labels"]["job"] == "node"
    assert alert.details["generatorURL"].startswith("http://prometheus")
    assert alert.incident is not None
    assert Incident.objects.count() == 1


def test_repeats_and_the_resolved_notification_meet_on_one_alert(monitor_api):
    first = monitor_api.post(URL, notification()).json()["alerts"][0]["alert"]
    again = monitor_api.post(URL, notification()).json()["alerts"][0]
    resolved = monitor_api.post(
        URL, notification(am_alert(status="resolved", endsAt="2026-12-06T06:10:00Z"))
    ).json()["alerts"][0]
    late = monitor_api.post(URL, notification(am_alert(status="resolved"))).json()["alerts"][0]

    assert again == {"outcome": "updated", "alert": first}
    assert resolved == {"outcome": "closed", "alert": first}
    assert late == {"outcome": "ignored", "alert": None}
    alert = Alert.objects.get(pk=first)
    assert (alert.state, alert.closed_by, alert.count) == ("closed", "clear", 3)
    assert Incident.objects.count() == 1


def test_each_alert_of_a_group_is_its_own_and_severity_labels_map():
    api = api_client_for(factories.agent(username="am2"), scopes=("write",))
    alerts = [
        am_alert(fingerprint="f1", labels={"alertname": "A", "instance": "db1:9100"}),
        am_alert(fingerprint="f2", labels={"alertname": "A", "job": "db", "severity": "page"}),
        am_alert(fingerprint="f3", labels={"alertname": "B", "severity": "Warning"}),
        am_alert(
            fingerprint="", labels={"alertname": "C", "instance": "[::1]:80", "severity": "odd"}
        ),
    ]

    response = api.post(URL, notification(*alerts, annotations=None))

    assert response.status_code == 200, response.content
    rows = {a.resource + a.node: a for a in Alert.objects.all()}
    assert [r["outcome"] for r in response.json()["alerts"]] == ["created"] * 4
    assert rows["Adb1"].severity == "warning"  # no severity label
    assert rows["Adb"].severity == "critical"  # job when no instance; page is critical
    assert rows["Bunknown"].severity == "warning"
    assert rows["C[::1]"].severity == "warning"  # an unknown value is a warning
    assert rows["C[::1]"].key.startswith("labels:")  # no fingerprint: the labels' hash


def test_a_multi_line_description_becomes_one_line_summary(monitor_api):
    alert = am_alert(annotations={"description": "Load is 31\n\tfor 5m"})

    monitor_api.post(URL, notification(alert))

    assert Alert.objects.get().summary == "Load is 31 for 5m"


def test_a_bad_alert_writes_nothing_even_after_good_ones(monitor_api):
    alerts = [am_alert(), am_alert(fingerprint="x", labels={"instance": "no-name:9100"})]

    response = monitor_api.post(URL, notification(*alerts))

    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["alerts.1.labels.alertname"]
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (notification(am_alert(labels=None)), "alerts.0.labels"),
        (notification(am_alert(labels={"alertname": 5})), "alerts.0.labels.alertname"),
        (notification(am_alert(labels=["a"])), "alerts.0.labels"),
        (notification(am_alert(labels={"instance": "h"})), "alerts.0.labels.alertname"),
        (notification(am_alert(status="pending")), "alerts.0.status"),
        (notification(am_alert(status=None)), "alerts.0.status"),
        (notification(am_alert(annotations={"summary": 1})), "alerts.0.annotations.summary"),
        (notification(am_alert(fingerprint="f1\nf2")), "alerts.0.fingerprint"),
        (notification(am_alert(fingerprint=7)), "alerts.0.fingerprint"),
        (notification(am_alert(startsAt=12)), "alerts.0.startsAt"),
        (
            notification(am_alert(labels={"alertname": "A", "instance": "a\x00b"})),
            "alerts.0.labels",
        ),
        (notification(version="3"), "version"),
        (notification(alerts=None), "alerts"),
        (notification(alerts={"a": 1}), "alerts"),
        (notification(alerts=[None]), "alerts.0"),
        (notification(alerts=[am_alert(fingerprint=str(n)) for n in range(201)]), "alerts"),
        ({}, "alerts"),
    ],
)
def test_a_bad_notification_is_a_422_naming_its_field(monitor_api, body, field):
    response = monitor_api.post(URL, body)

    assert response.status_code == 422, response.content
    named = list(response.json()["error"]["fields"])
    assert [n for n in named if n == field or n.startswith(f"{field}.")], named
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        "null",
        "",
        "[]",
        '"text"',
        "4",
        "{",
        '{"alerts": [{"status": "firing", "labels": {"alertname": "\\ud800"}}]}',
    ],
)
def test_a_body_that_is_no_notification_is_a_4xx_not_a_500(monitor_api, raw):
    response = monitor_api.post(URL, raw)

    assert 400 <= response.status_code < 500, response.content
    assert not Alert.objects.exists()


def test_no_alerts_is_an_empty_answer(monitor_api):
    response = monitor_api.post(URL, notification(alerts=[]))

    assert response.status_code == 200
    assert response.json() == {"alerts": []}


def test_requesters_and_read_tokens_may_not_send(requester_api):
    reader = api_client_for(factories.agent(), scopes=("read",))

    assert requester_api.post(URL, notification()).status_code == 403
    assert reader.post(URL, notification()).status_code == 403
    assert not Alert.objects.exists()


def test_each_new_alert_is_audited(monitor_api):
    monitor_api.post(URL, notification(am_alert(labels={"alertname": "A", "severity": "info"})))

    alert = Alert.objects.get()
    assert AuditEntry.objects.filter(object_id=str(alert.pk)).exists()


def test_a_repeated_alert_costs_a_fixed_number_of_statements(monitor_api):
    monitor_api.post(URL, notification())
    for n in range(5):
        monitor_api.post(URL, notification(am_alert(fingerprint=f"other{n}")))
    monitor_api.post(URL, notification())  # warm: the token's use is kept per process

    with CaptureQueriesContext(connection) as captured:
        response = monitor_api.post(URL, notification())

    assert response.json()["alerts"][0]["outcome"] == "updated"
    assert len(captured) <= STATEMENTS, [q["sql"][:120] for q in captured]


def test_huge_body_is_refused_whole(monitor_api):
    body = json.dumps(notification(am_alert(annotations={"summary": "x" * 2_000_000})))

    response = monitor_api.post(URL, body)

    assert response.status_code == 413
    assert not Alert.objects.exists()


# A retried notification (Alertmanager retries one that timed out) can arrive after a later
# one: the alert's own startsAt orders them, not their arrival (decision 0121).
S1 = "2026-12-06T06:00:00.123456789Z"  # as Go writes it: nanoseconds
S2 = "2026-12-06T07:30:00Z"  # the same condition firing again, after S1's resolution


def test_a_firing_retried_after_its_resolved_reopens_nothing(monitor_api):
    raised = monitor_api.post(URL, notification(am_alert(startsAt=S1))).json()["alerts"][0]
    resolved = am_alert(status="resolved", startsAt=S1, endsAt="2026-12-06T06:10:00Z")
    closed = monitor_api.post(URL, notification(resolved)).json()["alerts"][0]

    late = monitor_api.post(URL, notification(am_alert(startsAt=S1)))

    assert late.status_code == 200, late.content
    assert closed == {"outcome": "closed", "alert": raised["alert"]}
    assert late.json()["alerts"] == [{"outcome": "ignored", "alert": None}]
    alert = Alert.objects.get()  # not raised again
    assert (alert.state, alert.closed_by, alert.count) == ("closed", "clear", 2)
    assert Incident.objects.count() == 1  # no second incident


def test_a_new_occurrence_after_the_resolved_is_a_new_alert(monitor_api):
    monitor_api.post(URL, notification(am_alert(startsAt=S1)))
    monitor_api.post(URL, notification(am_alert(status="resolved", startsAt=S1)))

    again = monitor_api.post(URL, notification(am_alert(startsAt=S2))).json()["alerts"][0]

    assert again["outcome"] == "created"
    assert Alert.objects.filter(state="open").get().pk == again["alert"]


def test_a_resolved_retried_after_the_next_firing_leaves_it_open(monitor_api):
    monitor_api.post(URL, notification(am_alert(startsAt=S1)))
    monitor_api.post(URL, notification(am_alert(status="resolved", startsAt=S1)))
    live = monitor_api.post(URL, notification(am_alert(startsAt=S2))).json()["alerts"][0]

    late = monitor_api.post(URL, notification(am_alert(status="resolved", startsAt=S1)))

    assert late.json()["alerts"] == [{"outcome": "ignored", "alert": None}]
    assert Alert.objects.get(pk=live["alert"]).state == "open"
    resolved = monitor_api.post(URL, notification(am_alert(status="resolved", startsAt=S2)))
    assert resolved.json()["alerts"] == [{"outcome": "closed", "alert": live["alert"]}]


@pytest.mark.parametrize(
    "starts", [None, "", "0001-01-01T00:00:00Z", "yesterday", "9999-12-31T23:59:59-23:59"]
)
def test_without_a_readable_start_the_arrival_decides(monitor_api, starts):
    """No time to order by (or Go's zero time): taken as before, never refused for it."""
    monitor_api.post(URL, notification(am_alert(startsAt=starts)))
    monitor_api.post(URL, notification(am_alert(status="resolved", startsAt=starts)))

    again = monitor_api.post(URL, notification(am_alert(startsAt=starts)))

    assert again.status_code == 200, again.content
    assert again.json()["alerts"][0]["outcome"] == "created"


def test_an_alert_closed_by_an_agent_is_raised_by_its_next_firing(monitor_api):
    from steward.core.actor import Actor
    from steward.events import services

    first = monitor_api.post(URL, notification(am_alert(startsAt=S1))).json()["alerts"][0]
    services.alert_close(Actor(user=factories.agent()), pk=first["alert"])

    again = monitor_api.post(URL, notification(am_alert(startsAt=S1))).json()["alerts"][0]

    assert again["outcome"] == "created"  # the condition still fires: not over


def test_a_name_longer_than_its_column_is_taken_cut_and_whole_in_the_details(monitor_api):
    """Alertmanager does not shorten its names for us: a 300-character alertname was a 422
    for the whole notification, and Alertmanager does not retry a 4xx, so every alert of it
    was lost. It is taken: cut to the column (an ellipsis says so), whole in the details."""
    name = "KubePodCrashLooping_" + "x" * 280
    alerts = [am_alert(fingerprint="other"), am_alert(labels={"alertname": name}, annotations={})]

    response = monitor_api.post(URL, notification(*alerts))

    assert response.status_code == 200, response.content
    assert [r["outcome"] for r in response.json()["alerts"]] == ["created", "created"]
    alert = Alert.objects.get(key="a1b2c3d4e5f60718")
    assert alert.resource == name[:254] + "\u2026"
    assert len(alert.resource) == Alert._meta.get_field("resource").max_length
    assert alert.details["steward.resource"] == name
    assert alert.summary == name  # no annotation: the name, up to 500 characters


def test_an_instance_longer_than_its_column_is_taken_cut_and_whole_in_the_details(monitor_api):
    """An ``instance`` label past 255 characters was a 422 for the whole notification, which
    Alertmanager does not retry: every alert of it was lost. It is taken like a long name:
    the node cut to the column, whole (without its port) in the details."""
    instance = "pod-" + "i" * 300 + ".svc.cluster.local"
    labels = {"alertname": "HighLoad", "instance": instance + ":9100"}
    alerts = [am_alert(fingerprint="other"), am_alert(labels=labels)]

    response = monitor_api.post(URL, notification(*alerts))

    assert response.status_code == 200, response.content
    assert [r["outcome"] for r in response.json()["alerts"]] == ["created", "created"]
    alert = Alert.objects.get(key="a1b2c3d4e5f60718")
    assert alert.node == instance[:254] + "\u2026"
    assert alert.details["steward.node"] == instance
    assert alert.details["labels"]["instance"] == instance + ":9100"
