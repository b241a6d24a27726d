"""What automation costs the incident write path (issue 13): with no rules a create or an
update over the API runs exactly the statements it ran before automation existed (the
rules are kept per process under a stamp the request reads anyway); with rules that do
not match, still none more; outside a request, the one stamp read."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.automation.services import engine
from steward.core import hooks
from steward.core.actor import Actor
from steward.incidents.services import incident_create
from tests.automation.conftest import rule
from tests.incidents.conftest import always_on  # noqa: F401 - a fixture
from tests.incidents.test_hot_paths import CREATE

pytestmark = pytest.mark.django_db


@contextmanager
def without_automation():
    """As on main: no listener registered."""
    hooks.unregister(hooks.INCIDENT_CREATED, engine.on_created)
    hooks.unregister(hooks.INCIDENT_UPDATED, engine.on_updated)
    try:
        yield
    finally:
        hooks.register(hooks.INCIDENT_CREATED, engine.on_created)
        hooks.register(hooks.INCIDENT_UPDATED, engine.on_updated)


def counted(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in (200, 201), response.content[:300]
    return len([q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]), response


def create(api):
    return api.post("/api/v1/incidents", {"title": "Printer jams", "team": "desk", "impact": 2})


def patch(api, number, urgency):
    return api.patch(f"/api/v1/incidents/{number}", {"urgency": urgency})


def test_no_rules_cost_no_statement_on_create_and_update(agent_api, desk, always_on):  # noqa: F811
    create(agent_api)  # the process's caches filled
    with without_automation():
        before, made = counted(lambda: create(agent_api))
        before_update, _ = counted(lambda: patch(agent_api, made.json()["number"], 1))
    after, made = counted(lambda: create(agent_api))
    after_update, _ = counted(lambda: patch(agent_api, made.json()["number"], 1))
    assert after == before == CREATE[connection.vendor]
    assert after_update == before_update


def test_rules_that_do_not_match_cost_nothing_more(
    agent_api,
    admin_actor,
    desk,
    network,
    always_on,  # noqa: F811
):
    rule(admin_actor)  # titles with "vpn" only
    rule(admin_actor, name="on update", trigger="updated")
    create(agent_api)  # the rules loaded and kept
    count, made = counted(lambda: create(agent_api))
    assert count == CREATE[connection.vendor]
    with without_automation():
        before_update, _ = counted(lambda: patch(agent_api, made.json()["number"], 1))
    after_update, _ = counted(lambda: patch(agent_api, made.json()["number"], 2))
    assert after_update == before_update


def test_outside_a_request_the_check_is_one_stamp_read(caller_actor, desk, always_on):  # noqa: F811
    incident_create(caller_actor, title="warm")
    with without_automation(), CaptureQueriesContext(connection) as plain:
        incident_create(caller_actor, title="plain")
    with CaptureQueriesContext(connection) as checked:
        incident_create(caller_actor, title="checked")
    assert len(checked.captured_queries) == len(plain.captured_queries) + 1
    stamp_reads = [q for q in checked.captured_queries if "FROM core_cachestamp" in q["sql"]]
    plain_reads = [q for q in plain.captured_queries if "FROM core_cachestamp" in q["sql"]]
    assert len(stamp_reads) == len(plain_reads) + 1  # the one statement more is that read


def test_a_system_create_in_held_stamps_costs_nothing_more(caller, desk, always_on):  # noqa: F811
    from steward.core import stamps

    actor = Actor.system("tests")
    incident_create(actor, title="warm", caller=caller.username)
    with stamps.held():
        incident_create(actor, title="warm", caller=caller.username)
        with without_automation(), CaptureQueriesContext(connection) as plain:
            incident_create(actor, title="plain", caller=caller.username)
        with CaptureQueriesContext(connection) as checked:
            incident_create(actor, title="checked", caller=caller.username)
    assert len(checked.captured_queries) == len(plain.captured_queries)
