"""The request path's hot spots: statements per create, detail and list (the same on SQLite and
PostgreSQL), the create response built from what the service returned, and the per-process
caches of the priority matrix and SLA policies seeing a write at the next request."""

import contextlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core import stamps
from steward.core.actor import Actor
from steward.incidents.services import category_create, priority_matrix_update
from steward.sla import services as sla
from tests import factories
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

# the cache stamps, the team's assignment rule, the number (SQLite: the counter
# table; PostgreSQL: a sequence in the incident's INSERT, decision 0019), the incident, its
# two clocks, its search index row (written in the same transaction:
# decision 0014) and on SQLite its words in the term table (one executemany: decision 0016),
# the audit entry, two outbox events (created, assigned); savepoints not counted (how many
# depends on the transaction the test runs in). Token, actor, team, matrix, policy and
# calendar come from the caches (the team: decision 0061); the response is built from the
# create's own rows, not read back.
CREATE = {"sqlite": 11, "postgresql": 9}
# PostgreSQL round trips of that create (core.pipeline): the stamps, the savepoint
# (a server's BEGIN), the team's assignment rule (read before the pipeline, as its update
# would be: Django reads an UPDATE's row count), the incident with its number, then the index
# row, both clocks, the audit entry and both events together, the savepoint's release (a
# server's COMMIT)
CREATE_ROUND_TRIPS = 6
# creates before the counted one: a statement is prepared on its 5th run (decision 0044), a
# round trip of its own outside a pipeline; a worker's steady state has them all prepared
WARM = 6
DETAIL = 3  # the stamps, the incident with its references, its clocks
# the stamps, the page with its keys (decisions 0042, 0064: one statement), their clocks
LIST = 3


def statements(call) -> tuple[int, object]:
    return _statements(call)[:2]


def _statements(call) -> tuple[int, object, int]:
    """(statements but savepoints, the response, savepoint statements)."""
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in (200, 201), response.content[:300]
    sql = [q["sql"] for q in captured.captured_queries]
    savepoints = len([s for s in sql if "SAVEPOINT" in s])
    return len(sql) - savepoints, response, savepoints


def create(api, **fields):
    return api.post("/api/v1/incidents", {"title": "VPN drops", "team": "desk", **fields})


def test_statements_per_create_detail_and_list(agent_api, desk, always_on):
    create(agent_api)  # the first request of a process fills its caches
    count, response, savepoints = _statements(lambda: create(agent_api, impact=2))
    assert count == CREATE[connection.vendor]
    # the create's own transaction (a savepoint and its release inside the test's); the
    # number and the clocks take none of their own: each is a round trip on PostgreSQL
    assert savepoints == 2
    number = response.json()["number"]
    assert statements(lambda: agent_api.get(f"/api/v1/incidents/{number}"))[0] == DETAIL
    assert statements(lambda: agent_api.get("/api/v1/incidents"))[0] == LIST


@pytest.fixture
def with_own_policy(always_on):
    """A requester whose organisation has an SLA policy of its own: 5 min response, 1 h
    resolution (ahead of ``always_on``'s)."""
    organisation = factories.OrganisationFactory()
    requester = factories.requester(organisation=organisation)
    sla.policy_create(
        Actor.system("tests"),
        name="Theirs",
        calendar="always",
        precedence=10,
        response_minutes=5,
        resolution_minutes=60,
        organisations=[organisation.slug],
    )
    return requester


def test_the_callers_organisation_is_read_with_the_caller_before_the_transaction(
    agent_api, desk, with_own_policy
):
    """The clocks match on the caller's organisation. It comes joined with the caller, so the
    create reads nothing more for it, and nothing of it while SQLite's write lock is held."""
    caller = with_own_policy
    create(agent_api)  # the first request of a process fills its caches
    with CaptureQueriesContext(connection) as captured:
        response = create(agent_api, caller=caller.username)
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in captured.captured_queries]
    assert len([s for s in sql if "SAVEPOINT" not in s]) == CREATE[connection.vendor] + 1
    began = next(i for i, s in enumerate(sql) if "SAVEPOINT" in s)
    assert "core_organisation" in " ".join(sql[:began])  # joined to the caller's read
    assert not [s for s in sql[began:] if "core_organisation" in s]
    assert {c["target_seconds"] for c in response.json()["sla"]} == {5 * 60, 60 * 60}


def test_a_requester_logs_with_the_policy_of_their_organisation(with_own_policy):
    api = api_client_for(with_own_policy)
    response = api.post("/api/v1/incidents", {"title": "Printer jams"})
    assert response.status_code == 201, response.content
    assert {c["target_seconds"] for c in response.json()["sla"]} == {5 * 60, 60 * 60}


def test_the_create_response_equals_a_read_of_the_record(agent_api, desk, always_on, admin_actor):
    category = category_create(admin_actor, name="Hot path printers")
    fields = {"impact": 1, "urgency": 2, "assignee": "agent1", "description": "since 9am"}
    fields["category"] = category.slug
    created = create(agent_api, **fields)
    assert created.status_code == 201, created.content
    read = agent_api.get(f"/api/v1/incidents/{created.json()['number']}")
    assert created["ETag"] == read["ETag"]

    def shown(body: dict) -> dict:
        # elapsed and time left count from "now", which moved between the two requests
        for clock in body["sla"]:
            clock.pop("elapsed_seconds"), clock.pop("time_left_seconds")
        return body

    assert shown(created.json()) == shown(read.json())
    assert len(created.json()["sla"]) == 2


def test_a_priority_matrix_change_is_seen_by_the_next_request(agent_api, desk, admin_actor):
    assert create(agent_api, impact=1, urgency=1).json()["priority"] == 1  # cached now
    before = stamps.current()[stamps.INCIDENT_CONFIG]
    priority_matrix_update(admin_actor, cells={(1, 1): 3})
    assert stamps.current()[stamps.INCIDENT_CONFIG] != before  # what other processes read
    assert create(agent_api, impact=1, urgency=1).json()["priority"] == 3


def test_an_sla_policy_change_is_seen_by_the_next_request(agent_api, desk, always_on):
    first = create(agent_api).json()["sla"]
    assert {c["target_seconds"] for c in first} == {30 * 60, 240 * 60}
    before = stamps.current()[stamps.SLA_CONFIG]
    sla.policy_update(
        Actor.system("tests"),
        slug=always_on.slug,
        expected_version=None,
        changes={"response_minutes": 10},
    )
    assert stamps.current()[stamps.SLA_CONFIG] != before
    again = create(agent_api).json()["sla"]
    assert {c["target_seconds"] for c in again} == {10 * 60, 240 * 60}


def test_a_calendar_change_is_seen_by_the_next_request(agent_api, desk, always_on):
    number = create(agent_api).json()["number"]
    assert agent_api.get(f"/api/v1/incidents/{number}").status_code == 200  # spec cached
    before = stamps.current()[stamps.SLA_CONFIG]
    sla.calendar_update(
        Actor.system("tests"),
        slug="always",
        expected_version=None,
        changes={"working_hours": [{"weekday": 0, "start": "09:00", "end": "17:00"}]},
    )
    assert stamps.current()[stamps.SLA_CONFIG] != before
    from steward.sla.models import BusinessCalendar
    from steward.sla.selectors import calendar_spec

    spec = calendar_spec(BusinessCalendar.objects.get(slug="always"))
    assert spec.weekly[0] == ((9 * 60, 17 * 60),)
    assert spec.weekly[1] == ()


@pytest.mark.postgres_only
def test_round_trips_per_create_on_postgresql(agent_api, desk, always_on):
    for _ in range(WARM):
        create(agent_api)
    with round_trips() as trips:
        response = create(agent_api, impact=2)
    assert response.status_code == 201, response.content
    assert len(trips) == CREATE_ROUND_TRIPS, trips
    # the rows nobody reads back travel together, with no RETURNING to wait for
    kind, together = trips[-2]
    assert kind == "pipeline", trips
    assert sorted(t.split()[2] for t in together) == [
        '"core_auditentry"',
        '"core_outboxmessage"',
        '"core_outboxmessage"',
        '"sla_slaclock"',
        '"sla_slaclock"',
        "incidents_search",
    ], trips
    assert not any("RETURNING" in t for t in together)


@pytest.mark.postgres_only
def test_round_trips_of_a_create_for_a_caller_with_an_organisation(agent_api, desk, always_on):
    """As many as a create for oneself: the caller, with their organisation, is kept per
    process after the first create names them (decision 0061; read inside the transaction,
    the organisation split the pipeline: a read waits)."""
    caller = factories.requester(organisation=factories.OrganisationFactory())
    for _ in range(WARM):
        create(agent_api, caller=caller.username)
    with round_trips() as trips:
        response = create(agent_api, caller=caller.username, impact=2)
    assert response.status_code == 201, response.content
    assert len(trips) == CREATE_ROUND_TRIPS, trips


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)  # its own transaction, as a server runs it
def test_round_trips_of_the_bench_create_on_postgresql(admin_api):
    """No team, no SLA policy (``python -m bench``'s body): the stamps; BEGIN with the
    incident and its number; the index row, audit entry and event; COMMIT. The framework
    floor's insert makes five (BEGIN, three inserts, COMMIT)."""
    body = {"title": "Printer jams", "impact": 2, "urgency": 2}
    for _ in range(WARM):
        admin_api.post("/api/v1/incidents", body)
    with round_trips() as trips:
        response = admin_api.post("/api/v1/incidents", body)
    assert response.status_code == 201, response.content
    # the tests' tasks run in process once the create commits (a server's worker runs them)
    request = trips[: trips.index(("command", ["COMMIT"])) + 1]
    assert [(kind, [s.split(" (")[0] for s in sent]) for kind, sent in request] == [
        ("statement", ["SELECT name, version FROM core_cachestamp"]),
        ("pipeline", ["BEGIN", 'INSERT INTO "incidents_incident"']),
        (
            "pipeline",
            ["INSERT INTO incidents_search", 'INSERT INTO "core_auditentry"',
             'INSERT INTO "core_outboxmessage"'],
        ),
        ("command", ["COMMIT"]),
    ]  # fmt: skip


@contextlib.contextmanager
def round_trips():
    """Each time the client waited for PostgreSQL, as (kind, what was sent for it): a
    statement or a command (BEGIN, COMMIT) outside a pipeline waits alone; in a pipeline
    (core.pipeline) everything queued until a read or the pipeline's end shares one wait.
    Reads psycopg's internals (the names of its generators), pinned with psycopg. A statement
    is sent bound in the client (``ClientCursor``), bound on the server (``Cursor``), or as a
    prepared statement (decision 0044); preparing one outside a pipeline waits alone."""
    import psycopg

    trips: list[tuple[str, list[str]]] = []
    queued: list[str] = []
    wait, command = psycopg.Connection.wait, psycopg.Connection._exec_command
    sends = {
        (psycopg.ClientCursor, "_execute_send"): "statement",
        (psycopg.Cursor, "_execute_send"): "statement",
        (psycopg.Cursor, "_send_query_prepared"): "statement",
        (psycopg.Cursor, "_send_prepare"): "prepare",
    }
    originals = {key: getattr(*key) for key in sends}

    def sender(key, kind):  # noqa: ANN001, ANN202
        original = originals[key]

        def sent(self, *args, **kwargs):  # noqa: ANN001, ANN202
            query = next(a for a in args if hasattr(a, "query"))  # after a prepared name
            text = bytes(query.query).decode()[:60]
            if self._conn._pipeline is None:
                trips.append((kind, [text]))
            else:
                queued.append(text)
            return original(self, *args, **kwargs)

        return sent

    def commanded(self, sql, *args, **kwargs):  # noqa: ANN001, ANN202
        text = sql.decode() if isinstance(sql, bytes) else str(sql)
        if self._pipeline is None:
            trips.append(("command", [text]))
        else:
            queued.append(text)
        return command(self, sql, *args, **kwargs)

    def waited(self, gen, *args, **kwargs):  # noqa: ANN001, ANN202
        in_pipeline = self._pipeline is not None
        result = wait(self, gen, *args, **kwargs)
        if in_pipeline and getattr(gen, "__name__", "") in {"_fetch_gen", "_sync_gen", "_exit_gen"}:
            trips.append(("pipeline", list(queued)))
            queued.clear()
        return result

    for (cls, name), kind in sends.items():
        setattr(cls, name, sender((cls, name), kind))
    psycopg.Connection._exec_command = commanded
    psycopg.Connection.wait = waited
    try:
        yield trips
    finally:
        for (cls, name), original in originals.items():
            setattr(cls, name, original)
        psycopg.Connection._exec_command = command
        psycopg.Connection.wait = wait
