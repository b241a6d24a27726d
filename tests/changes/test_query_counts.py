"""Query counts of the change lists that the contract registry does not cover: freeze
windows and standard-change templates. The number of queries must not grow with the rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from steward.changes import services as change_services
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from tests import factories
from tests.query_counts import counter, grows

SYSTEM = Actor.system("tests")


def test_freeze_window_list(admin_api):
    nxt = counter()
    start = timezone.now() + dt.timedelta(days=10)
    team = factories.TeamFactory()

    def add():
        i = nxt()
        ci = ci_create(SYSTEM, ci_class="business_service", name=f"svc-{i}", owner_team=team.slug)
        change_services.freeze_create(
            SYSTEM,
            name=f"Freeze {i}",
            starts_at=start,
            ends_at=start + dt.timedelta(days=1),
            ci=ci.number,
        )

    few, many = grows(add, lambda: admin_api.get("/api/v1/freeze-windows", {"limit": 50}))
    assert few == many


def test_change_template_list(admin_api):
    nxt = counter()

    def add():
        change_services.template_create(SYSTEM, name=f"Template {nxt()}")

    few, many = grows(add, lambda: admin_api.get("/api/v1/change-templates", {"limit": 50}))
    assert few == many


def test_change_create_statements(agent_actor, stack, new_change):
    """A create reads before it writes and writes each row once: the change is inserted
    with its risk (no ``UPDATE`` of it afterwards), its links without first reading or
    deleting the links a new change cannot have; the statements do not grow with the CIs
    (their walks and their failed changes are one statement)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steward.changes.models import Change
    from tests.changes.conftest import HIGH

    # warm: first-use caches (the relationship types, the settings row, the organisations
    # the actor serves)
    new_change(cis=[stack["app"].number])

    def statements(cis: list[str]) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            made = new_change(cis=cis, risk_answers=HIGH)
        assert made.risk_level == Change.objects.get(pk=made.pk).risk_level
        # an executemany is logged as "<rows> times: <its SQL>" (the links since decision
        # 0050): one statement, named by its SQL
        return [q["sql"].split(" times: ", 1)[-1] for q in ctx.captured_queries]

    one = statements([stack["server"].number])
    three = statements([stack[name].number for name in ("server", "app", "service")])

    table = Change._meta.db_table
    for sql in (*one, *three):
        assert not sql.upper().startswith("DELETE"), sql
        assert not sql.upper().startswith(f'UPDATE "{table}"'), sql
    writes = [s for s in one if s.upper().startswith(("INSERT", "UPDATE"))]
    # number, change, CI links, impacted services, audit, outbox
    assert len(writes) == 6, writes
    # the questionnaire and the settings come from the per-process policy (one stamp read
    # for it outside a request, none inside one: authentication read the stamps already)
    assert not [s for s in one if "changes_riskquestion" in s or "changes_changesettings" in s]
    # 29 before (docs/benchmarks-changes.md), 22, then 20; 17 with the risk policy cached
    # (two of them stamp reads); 16 once the impact walk read its nodes' rows with it
    # (decision 0022); 15 since the walk starts from the CI the validation read (0029); 14
    # with the relationship types cached per process (0036): outside a request a stamp read
    # for them replaces their read, and the served organisations were read in the warm-up;
    # 13 since the failed changes on the CIs are counted in the walks' statement (0046)
    assert len(one) == 13, one
    # no statement per further CI: every CI's walk is in that one statement (decision 0046;
    # one per further CI before)
    assert len(three) == len(one), three
    (walks,) = [s for s in three if "WITH RECURSIVE" in s]
    assert walks.count("WITH RECURSIVE") == 3, walks
    assert "changes_changeci" in walks, walks
    types = "cmdb_relationshiptype"
    assert not [s for s in (*one, *three) if types in s and "WITH RECURSIVE" not in s], three


def _link_reads(captured) -> list[str]:
    """The SELECTs reading the numbers a change links to (its CIs, incidents, problems)."""
    tables = ('"changes_changeci"', '"changes_change_incidents"', '"changes_change_problems"')
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and any(t in q["sql"] for t in tables)
    ]


def test_a_status_move_reads_no_links_and_a_relink_is_still_audited(agent_actor, stack, new_change):
    """An update that names no link (a status move) cannot move one, so the links are not
    read before and after it (``RecordRules.relinked_by``); one naming ``cis`` reads them and
    audits the move as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steward.core.models import AuditEntry
    from tests.changes.conftest import move

    change = new_change(cis=[stack["app"].number])
    with CaptureQueriesContext(connection) as captured:
        move(agent_actor, change, "assessment")
    assert _link_reads(captured) == []
    entry = (
        AuditEntry.objects.filter(content_type__model="change", object_id=str(change.pk))
        .order_by("-id")
        .first()
    )
    assert "status" in entry.changes
    assert "cis" not in entry.changes

    with CaptureQueriesContext(connection) as captured:
        change_services.change_update(
            agent_actor,
            number=change.number,
            expected_version=None,
            changes={"cis": [stack["server"].number]},
        )
    assert _link_reads(captured)
    entry = (
        AuditEntry.objects.filter(content_type__model="change", object_id=str(change.pk))
        .order_by("-id")
        .first()
    )
    assert entry.changes["cis"] == [[stack["app"].number], [stack["server"].number]]
