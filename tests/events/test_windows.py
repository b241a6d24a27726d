"""Manual maintenance windows (decision 0105): operators declare them over CIs and/or a
node pattern; alerts in one are in maintenance and open no incident, as under a change's
window; the API keeps them with ETags, If-Match, audit and 422s naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.core.models import AuditEntry, OutboxMessage
from steward.events import services
from steward.events.models import Alert, MaintenanceWindow
from steward.incidents.models import Incident
from tests import factories
from tests.cmdb.conftest import make_ci
from tests.conftest import api_client_for
from tests.events.conftest import event, send

pytestmark = pytest.mark.django_db
URL = "/api/v1/maintenance-windows"
NODE = "db01.example.com"
STATEMENTS = 6  # as tests/events/test_api.py: cache stamp, savepoint, locked read, update,
# release, read back; a window in force costs nothing more (kept per process)


def now() -> dt.datetime:
    return timezone.now()


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


@pytest.fixture
def server(db):
    return make_ci("server", name="db01", attributes={"fqdn": NODE})


@pytest.fixture
def ops_api():
    return api_client_for(factories.agent(username="ops-window"), scopes=("read", "write"))


@pytest.fixture
def monitor_api():
    return api_client_for(factories.agent(username="prom-bot"), scopes=("write",))


def body(**overrides):
    return {
        "name": "Patch night",
        "reason": "kernel updates",
        "starts_at": iso(now() - dt.timedelta(minutes=5)),
        "ends_at": iso(now() + dt.timedelta(hours=2)),
        **overrides,
    }


def window_on(actor, *, cis=(), pattern="", start=None, hours=2):
    start = start or now() - dt.timedelta(minutes=5)
    return services.window_create(
        actor,
        name="Patch night",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        node_pattern=pattern,
        configuration_items=[ci.number for ci in cis],
    )


# --- the API ------------------------------------------------------------------------------


def test_create_get_patch_end_and_delete_are_audited(ops_api, server):
    created = ops_api.post(URL, body(configuration_items=[server.number.lower()]))

    assert created.status_code == 201, created.json()
    window = created.json()
    assert created["ETag"] == '"1"'
    assert window["configuration_items"] == [server.number]
    assert window["in_force"] is True
    assert window["created_by"] == "ops-window"
    path = f"{URL}/{window['id']}"
    assert ops_api.get(path).json()["name"] == "Patch night"

    stale = ops_api.patch(path, {"name": "Late"}, headers={"If-Match": '"0"'})
    assert stale.status_code == 412
    patched = ops_api.patch(path, {"name": "Patch night 2"}, headers={"If-Match": '"1"'})
    assert (patched.status_code, patched["ETag"]) == (200, '"2"')

    ended = ops_api.post(f"{path}/end", headers={"If-Match": '"2"'})
    assert ended.status_code == 200
    assert ended.json()["in_force"] is False
    assert ops_api.post(f"{path}/end").status_code == 409  # over already

    assert ops_api.delete(path, headers={"If-Match": '"3"'}).status_code == 204
    assert ops_api.get(path).status_code == 404
    actions = list(
        AuditEntry.objects.filter(
            object_id=str(window["id"]), content_type__model="maintenancewindow"
        )
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "update", "delete"]
    topics = OutboxMessage.objects.filter(topic__startswith="maintenance_window.")
    assert sorted(topics.values_list("topic", flat=True)) == [
        "maintenance_window.created",
        "maintenance_window.deleted",
        "maintenance_window.ended",
        "maintenance_window.updated",
    ]


def test_a_window_not_started_is_deleted_not_ended(ops_api):
    later = now() + dt.timedelta(days=1)
    window = ops_api.post(
        URL,
        body(node_pattern="web*", starts_at=iso(later), ends_at=iso(later + dt.timedelta(hours=1))),
    ).json()

    assert ops_api.post(f"{URL}/{window['id']}/end").status_code == 409


BAD = [
    ("end-before-start", {"ends_at": iso(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))}, "ends_at"),
    ("end-equals-start", "same", "ends_at"),
    ("eight-days", {"ends_at": "8d"}, "ends_at"),
    ("empty-name", {"name": "  "}, "name"),
    ("huge-name", {"name": "x" * 201}, "name"),
    ("null-name", {"name": None}, "name"),
    ("name-not-text", {"name": 5}, "name"),
    ("line-break-name", {"name": "a\nb"}, "name"),
    ("surrogate-name", {"name": "\ud800"}, "name"),
    ("unknown-ci", {"configuration_items": ["CI9999999"]}, "configuration_items"),
    ("cis-not-a-list", {"configuration_items": "CI1"}, "configuration_items"),
    ("ci-not-text", {"configuration_items": [5]}, "configuration_items"),
    ("ci-null", {"configuration_items": [None]}, "configuration_items"),
    ("too-many-cis", {"configuration_items": ["CI1"] * 201}, "configuration_items"),
    ("no-scope", {"configuration_items": []}, "configuration_items"),
    ("wildcards-only", {"node_pattern": "*.*"}, "node_pattern"),
    ("pattern-space", {"node_pattern": "web 01"}, "node_pattern"),
    ("huge-pattern", {"node_pattern": "a" * 256}, "node_pattern"),
    ("naive-start", {"starts_at": "2026-12-06T10:00:00"}, "starts_at"),
    ("number-start", {"starts_at": 1765015200}, "starts_at"),
    ("null-end", {"ends_at": None}, "ends_at"),
    ("year-ten-thousand", {"ends_at": "9999-12-31T23:59:59+00:00"}, "ends_at"),
    ("in-the-past", "past", "ends_at"),
    ("unknown-field", {"colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("changes", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_windows_are_a_422_naming_the_field(ops_api, changes, field):
    sent = body()
    if changes == "same":
        sent["ends_at"] = sent["starts_at"]
    elif changes == "past":
        sent.update(
            starts_at=iso(now() - dt.timedelta(hours=3)), ends_at=iso(now() - dt.timedelta(hours=1))
        )
    elif changes == {"ends_at": "8d"}:
        sent["ends_at"] = iso(now() + dt.timedelta(days=8))
    else:
        sent.update(changes)
    if "configuration_items" not in changes and "node_pattern" not in changes:
        sent.setdefault("node_pattern", "db*")

    response = ops_api.post(URL, sent)

    assert response.status_code == 422, response.content
    named = response.json()["error"]["fields"]
    assert any(n == field or n.startswith(f"{field}.") for n in named), named
    assert not MaintenanceWindow.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"node_pattern": None}, "node_pattern"),
        ({"node_pattern": ""}, "configuration_items"),  # nothing left in scope
        ({"configuration_items": None}, "configuration_items"),
        ({"ends_at": "not a date"}, "ends_at"),
        ({"starts_at": "2099-01-01T00:00:00+00:00"}, "ends_at"),
        ({"version": "x"}, "version"),
    ],
    ids=[
        "null-name",
        "empty-name",
        "null-pattern",
        "no-scope",
        "null-cis",
        "bad-date",
        "start-after-end",
        "version-text",
    ],
)
def test_bad_patches_are_a_422_naming_the_field(ops_api, changes, field):
    window = ops_api.post(URL, body(node_pattern="db*")).json()

    response = ops_api.patch(f"{URL}/{window['id']}", changes)

    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"], response.json()
    assert ops_api.get(f"{URL}/{window['id']}").json()["version"] == 1


@pytest.mark.parametrize("path", ["/0", "/x", "/99999999999999999999", "/%F0%9F%92%A9"])
def test_unknown_windows_are_404(ops_api, path):
    assert ops_api.get(URL + path).status_code == 404
    assert ops_api.patch(URL + path, {"name": "a"}).status_code == 404
    assert ops_api.post(URL + path + "/end").status_code == 404
    assert ops_api.delete(URL + path).status_code == 404


@pytest.mark.parametrize("sent", [None, [], "x", 5, {"name": {"a": 1}}])
def test_bodies_that_are_no_window_are_a_4xx(ops_api, sent):
    response = ops_api.post(URL, sent)
    assert 400 <= response.status_code < 500


def test_requesters_and_readers_may_not_keep_windows(requester_api, server):
    reader = api_client_for(factories.agent(username="reader"), scopes=("read",))

    assert requester_api.post(URL, body(node_pattern="db*")).status_code == 403
    assert reader.post(URL, body(node_pattern="db*")).status_code == 403
    assert requester_api.get(URL).json()["items"] == []
    assert not MaintenanceWindow.objects.exists()


def test_an_agent_limited_to_organisations_sets_no_node_pattern(server):
    org = factories.OrganisationFactory(slug="acme")
    limited = factories.agent(username="limited-ops")
    limited.served_organisations.add(org)
    api = api_client_for(limited)

    response = api.post(URL, body(node_pattern="db*"))

    assert response.status_code == 422
    assert "node_pattern" in response.json()["error"]["fields"]


# --- alerts in a window --------------------------------------------------------------------


def test_a_new_alert_on_a_ci_in_a_window_opens_no_incident(monitor, agent_actor, server):
    window_on(agent_actor, cis=[server])

    done = send(monitor, node=NODE, severity="critical")

    assert (done.alert.in_maintenance, done.alert.incident_id) == (True, None)
    assert not Incident.objects.exists()
    assert OutboxMessage.objects.get(topic="alert.raised").payload["in_maintenance"] is True


@pytest.mark.parametrize(
    ("pattern", "node", "held"),
    [
        ("db*.example.com", "DB07.example.com", True),
        ("db0?", "db01", True),
        ("web*", "db01.example.com", False),
    ],
)
def test_a_node_pattern_holds_the_nodes_it_matches(monitor, agent_actor, pattern, node, held):
    window_on(agent_actor, pattern=pattern)

    done = send(monitor, node=node, severity="critical")

    assert done.alert.in_maintenance is held
    assert (done.alert.incident_id is None) is held


def test_outside_the_window_the_incident_opens(monitor, agent_actor, server):
    window_on(agent_actor, cis=[server], start=now() + dt.timedelta(hours=1))
    other = make_ci("server", name="db02", attributes={"fqdn": "db02.example.com"})
    window_on(agent_actor, cis=[other])

    done = send(monitor, node=NODE, severity="critical")

    assert done.alert.in_maintenance is False
    assert done.alert.incident is not None


def test_a_live_alert_is_in_maintenance_from_the_windows_start(
    monitor, agent_actor, agent_user, server, client
):
    """Raised before the window as a warning: the console and the API show it in
    maintenance once the window holds; its escalation opens no incident during the window;
    once the window is ended early, the next event opens it."""
    alert = send(monitor, node=NODE, severity="warning").alert
    api = api_client_for(agent_user)
    assert api.get("/api/v1/alerts").json()["items"][0]["in_maintenance"] is False

    window = window_on(agent_actor, cis=[server])

    assert api.get("/api/v1/alerts").json()["items"][0]["in_maintenance"] is True
    assert api.get(f"/api/v1/alerts/{alert.pk}").json()["in_maintenance"] is True
    client.force_login(agent_user)
    assert "Maintenance" in client.get("/events/").content.decode()
    escalated = send(monitor, node=NODE, severity="critical").alert
    assert (escalated.in_maintenance, escalated.incident_id) == (True, None)
    assert OutboxMessage.objects.filter(topic="alert.maintenance_started").count() == 1

    services.window_end(agent_actor, pk=window.pk, expected_version=None)
    after = send(monitor, node=NODE, severity="critical").alert

    assert Alert.objects.get(pk=alert.pk).in_maintenance is False
    assert after.incident is not None


def test_deleting_a_window_lets_the_next_event_open_the_incident(monitor, agent_actor, server):
    window = window_on(agent_actor, cis=[server])
    send(monitor, node=NODE, severity="critical")

    services.window_delete(agent_actor, pk=window.pk, expected_version=None)
    again = send(monitor, node=NODE, severity="critical").alert

    assert (again.in_maintenance, again.incident is not None) == (False, True)


@pytest.mark.parametrize("windows", [0, 1, 20], ids=["no-window", "one-window", "twenty"])
def test_a_repeat_costs_the_same_statements_with_or_without_windows(
    monitor_api, agent_actor, server, windows
):
    """The per-event check reads the windows kept per process: a repeat of an alert in a
    window costs what a repeat costs without any (6 here, 5 without the answer's read)."""
    for n in range(windows):
        ci = server if n == 0 else make_ci("server", name=f"other{n}")
        window_on(agent_actor, cis=[ci], pattern=f"node{n}*")
    monitor_api.post("/api/v1/events", event(node=NODE, severity="critical"))
    monitor_api.post("/api/v1/events", event(node=NODE, severity="critical"))  # warm

    with CaptureQueriesContext(connection) as captured:
        response = monitor_api.post("/api/v1/events", event(node=NODE, severity="critical"))

    assert response.status_code == 200
    assert response.json()["alert"]["in_maintenance"] is bool(windows)
    assert len(captured) <= STATEMENTS, [q["sql"][:120] for q in captured]


def test_a_window_change_is_seen_by_the_next_event(monitor_api, agent_actor, server):
    """The kept windows reload when one is saved: no stale per-process copy."""
    monitor_api.post("/api/v1/events", event(node="db9", resource="a", severity="critical"))
    window_on(agent_actor, cis=[server])

    done = monitor_api.post("/api/v1/events", event(node=NODE, severity="critical")).json()

    assert done["alert"]["in_maintenance"] is True


# --- the pages -----------------------------------------------------------------------------


def test_operators_declare_edit_end_and_delete_a_window_on_the_pages(client, agent_user, server):
    client.force_login(agent_user)
    assert client.get("/events/").content.decode().count("/events/windows/") >= 1
    assert client.get("/events/windows/new/").status_code == 200
    start = timezone.localtime(now() - dt.timedelta(minutes=1))
    form = {
        "name": "Storage firmware",
        "reason": "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "configuration_items": server.number,
        "node_pattern": "",
    }

    created = client.post("/events/windows/new/", form)

    assert created.status_code == 303, created.content.decode()[:2000]
    window = MaintenanceWindow.objects.get()
    assert list(window.configuration_items.all()) == [server]
    listing = client.get("/events/windows/").content.decode()
    assert "Storage firmware" in listing
    assert "in force" in listing
    page = client.get(f"/events/windows/{window.pk}/").content.decode()
    assert "End now" in page
    assert "Delete window" in page

    edited = client.post(f"/events/windows/{window.pk}/", {**form, "version": 1, "name": "FW"})
    assert edited.status_code == 303
    stale = client.post(f"/events/windows/{window.pk}/", {**form, "version": 1, "name": "X"})
    assert stale.status_code == 422
    ended = client.post(f"/events/windows/{window.pk}/end/", {"version": 2})
    assert ended.status_code == 303
    assert MaintenanceWindow.objects.get().ends_at <= now()
    again = client.post(f"/events/windows/{window.pk}/end/", {"version": 3})
    assert again.status_code == 409
    deleted = client.post(f"/events/windows/{window.pk}/delete/", {"version": 3})
    assert deleted.status_code == 303
    assert not MaintenanceWindow.objects.exists()


def test_a_bad_window_form_names_the_field(client, agent_user):
    client.force_login(agent_user)
    start = timezone.localtime(now())

    response = client.post(
        "/events/windows/new/",
        {
            "name": "x",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": start.strftime("%Y-%m-%dT%H:%M"),
            "node_pattern": "db*",
        },
    )

    assert response.status_code == 422
    assert "must be after the start" in response.content.decode()
    assert not MaintenanceWindow.objects.exists()


def test_requesters_get_no_window_pages(client, requester_user):
    client.force_login(requester_user)

    assert client.get("/events/windows/").status_code == 404
    assert client.get("/events/windows/new/").status_code == 404


def test_the_window_list_reads_a_fixed_number_of_statements(client, agent_user, agent_actor):
    client.force_login(agent_user)
    client.get("/events/windows/")  # warm: the session and the stamps
    counts = []
    for n in range(2):
        for m in range(5):
            ci = make_ci("server", name=f"n{n}m{m}")
            window_on(agent_actor, cis=[ci], pattern=f"n{n}m{m}*")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/events/windows/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_an_unknown_ci_is_refused_in_plain_words(ops_api):
    response = ops_api.post(URL, body(configuration_items=["ci0000404"]))

    assert response.status_code == 422, response.content
    assert response.json()["error"]["fields"] == {
        "configuration_items": [
            "No configuration item is named “CI0000404”. Check the name or number."
        ]
    }
