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
        ("host", "h" * 300),
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
