"""Texts past their columns (decision 0124). A sender's own dedup key past 255 characters (a
proxy's or an exporter's id) refused the whole event, for Alertmanager the whole
notification, which it does not retry: it is taken as a long name is, the fingerprint of
the whole key, the key cut to the column with an ellipsis, the whole kept in the details.
The whole texts are kept under ``steward.<field>``, where they overwrote a sender's own
``node`` or ``resource`` detail."""

from __future__ import annotations

import pytest

from steward.events.models import Alert
from tests import factories
from tests.conftest import api_client_for
from tests.events.conftest import event, send
from tests.events.test_alertmanager import URL, am_alert, notification

pytestmark = pytest.mark.django_db
STEM = "otel-collector/" + "k" * 300


def test_a_long_key_is_cut_to_its_column_and_still_dedups_as_sent(monitor):
    first = send(monitor, key=STEM + "/a", resource="disk /var")
    again = send(monitor, key=STEM + "/a", resource="disk /home")  # the key decides
    other = send(monitor, key=STEM + "/b")
    clear = send(monitor, key=STEM + "/a", severity="clear")

    assert [d.outcome for d in (first, again, other, clear)] == [
        "created",
        "updated",
        "created",
        "closed",
    ]
    assert first.alert.pk == again.alert.pk == clear.alert.pk != other.alert.pk
    alert = Alert.objects.get(pk=first.alert.pk)
    assert alert.key == STEM[:254] + "\u2026"
    assert len(alert.key) == Alert._meta.get_field("key").max_length
    assert alert.details["steward.key"] == STEM + "/a"


def test_the_api_takes_a_long_key_up_to_2048(monitor):
    api = api_client_for(monitor.user, scopes=("write",))
    key = "k" * 2048

    first = api.post("/api/v1/events", event(key=key))
    again = api.post("/api/v1/events", event(key=key, node="web02"))

    assert first.status_code == 201, first.content
    assert again.json()["outcome"] == "updated"
    assert again.json()["alert"]["key"] == key[:254] + "\u2026"


def test_an_alertmanager_fingerprint_past_the_column_is_taken():
    """A proxy in front of Steward may put its own long id in ``fingerprint``: the whole
    notification was a 422. The firing and its resolved meet on it."""
    api = api_client_for(factories.agent(username="am-bot"), scopes=("write",))
    long_print = "f" * 400
    firing = notification(am_alert(fingerprint="other"), am_alert(fingerprint=long_print))
    resolved = notification(am_alert(fingerprint=long_print, status="resolved"))

    first = api.post(URL, firing)
    then = api.post(URL, resolved)

    assert first.status_code == 200, first.content
    assert [r["outcome"] for r in first.json()["alerts"]] == ["created", "created"]
    assert [r["outcome"] for r in then.json()["alerts"]] == ["closed"]
    alert = Alert.objects.get(pk=first.json()["alerts"][1]["alert"])
    assert alert.key == long_print[:254] + "\u2026"
    assert alert.details["steward.key"] == long_print


def test_a_senders_own_node_and_resource_details_survive_the_whole_texts(monitor):
    node, name, key = "n" * 300, "r" * 300, "k" * 300
    own = {"node": "rack 4, slot 2", "resource": {"disk": "/var"}, "key": 7}

    alert = send(monitor, node=node, resource=name, key=key, details=own).alert

    assert alert.details == {
        **own,
        "steward.node": node,
        "steward.resource": name,
        "steward.key": key,
    }
    assert (alert.node, alert.resource, alert.key) == (
        node[:254] + "\u2026",
        name[:254] + "\u2026",
        key[:254] + "\u2026",
    )


def test_the_whole_texts_prefix_is_refused_in_a_senders_details(monitor):
    """A sender's ``steward.node`` would be overwritten by (or taken for) Steward's own:
    refused naming the details, nothing written."""
    api = api_client_for(monitor.user, scopes=("write",))

    response = api.post("/api/v1/events", event(details={"steward.node": "x"}))

    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["details"]
    assert not Alert.objects.exists()
