"""How often a change create over the API waits for PostgreSQL (decision 0050): the reads
before the write, then the number, the change's id, and the rows nobody reads back sent
together. Under load each wait is a scheduling delay, so the count is held here."""

from __future__ import annotations

import pytest

from tests.changes.conftest import HIGH
from tests.incidents.test_hot_paths import WARM, round_trips

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_round_trips_of_a_change_create_on_postgresql(admin_api, stack):
    """The bench's body (python -m bench.changes): CIs and the questionnaire answered, no
    team, an administrator. Before decision 0050 the number, the change, its CI links, the
    impacted service's link, the audit entry and the event each waited alone, and BEGIN
    before them (eleven waits in all)."""
    cis = [stack[name].number for name in ("server", "app")]
    for n in range(WARM):  # a statement is prepared on its 5th run on a connection (0044)
        admin_api.post("/api/v1/changes", {"title": f"warm {n}", "cis": cis})
    with round_trips() as trips:
        response = admin_api.post(
            "/api/v1/changes", {"title": "Patch the app", "cis": cis, "risk_answers": HIGH}
        )
    assert response.status_code == 201, response.content
    assert response.json()["impacted_services"] == [stack["service"].number]
    # the tests' tasks run in process once the create commits (a server's worker runs them)
    request = trips[: trips.index(("command", ["COMMIT"])) + 1]
    # each statement by its verb and table (the texts are cut at 60 characters)
    shown = [(kind, [" ".join(s.split()[:3]) for s in sent]) for kind, sent in request]
    assert shown == [
        ("statement", ["SELECT name, version"]),  # the stamps
        # the CIs with their class: compiled once per count, a .values() (decision 0074)
        ("statement", ['SELECT "cmdb_configurationitem"."id" AS']),
        ("statement", ["SELECT 0, x.*"]),  # the impact walks and the failed changes (0046)
        ("pipeline", ["BEGIN", "UPDATE core_numbersequence SET"]),  # the number
        ("pipeline", ['INSERT INTO "changes_change"']),  # its id, which the links name
        (
            "pipeline",
            ['INSERT INTO "changes_changeci"', 'INSERT INTO "changes_changeci"',
             'INSERT INTO "changes_change_impacted_services"', 'INSERT INTO "core_auditentry"',
             'INSERT INTO "core_outboxmessage"'],
        ),
        ("command", ["COMMIT"]),
    ], trips  # fmt: skip
