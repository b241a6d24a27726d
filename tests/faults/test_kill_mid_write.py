"""SIGKILL inside the write paths the server/worker kill test does not reach: the process
running the write is killed at its dangerous moment (after the part that must not stand
alone, before the commit), then the write is repeated as the user or the importer would.
Then: nothing half-written, the repeat gives the one outcome, every mail sent exactly once.

- An emailed approval link's rejection: the decision, the change rejected and its other
  pending approvals withdrawn are one write; killed between the withdrawal and the commit.
- The CMDB file import (all or nothing): killed after the CIs are written, before the
  relationships; a re-run, and a second re-run, give the same estate.
- The incident bulk import by chunks: killed mid-chunk, after earlier chunks committed; the
  killed chunk leaves nothing, the committed ones stay whole; the whole file run again
  (rows with external references) writes each row once, a third run nothing.
- A catalogue task's fulfilment action (``asset.assign``): killed with the asset checked
  out, before the task's commit; completing again hands out one asset, mails once.

The kill is ``os.kill(os.getpid(), SIGKILL)`` wrapped around a service function, in a
``steward shell`` run as the harness's ``Process`` (no handler, no cleanup, no rollback:
the database sees the connection die mid-transaction)."""

from __future__ import annotations

import json

import pytest

from tests.faults.harness import Process

pytestmark = [pytest.mark.faults, pytest.mark.own_database]

KILL_AFTER = """
import os, signal

def kill_after(module, name, nth=1):
    original, calls = getattr(module, name), []
    def killing(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(1)
        if len(calls) == nth:
            os.kill(os.getpid(), signal.SIGKILL)
        return result
    setattr(module, name, killing)
"""

DISPATCH = "from steward.core import outbox\nwhile outbox.dispatch_pending():\n    pass\n"


def killed(app, code: str) -> None:
    """Run ``code`` in a ``steward shell`` that must die by SIGKILL."""
    process = Process("killed", ["shell", "-c", KILL_AFTER + code], app.env, app.tmp)
    process.start()
    assert process.proc.wait(timeout=120) == -9, process.log.read_text()[-3000:]


def sent_once(app, code: str = "") -> str:
    """Run ``code``, then dispatch everything (one ``steward shell``); every queued mail
    reached the sink exactly once. Returns what ``code`` printed."""
    out = app.run("shell", "-c", code + "\n" + DISPATCH)
    rows = app.db.query("SELECT kind, headers FROM core_outgoingmail")
    queued = [(json.loads(h) if isinstance(h, str) else h)["Message-ID"] for _, h in rows]
    sent = app.sink.ids()
    assert sorted(sent) == sorted(queued), (sent, queued)
    assert len(set(sent)) == len(sent), f"a mail sent twice: {sent}"
    assert app.db.scalar("SELECT count(*) FROM core_outboxmessage WHERE dispatched_at IS NULL") == 0
    return out


# --- the emailed approval link's rejection ------------------------------------------------

CHANGE = """
from steward.changes import services
from steward.core.choices import Role
from tests import factories
from tests.changes.conftest import HIGH, PLANS, ci, in_authorisation, relate
from tests.conftest import as_actor

factories.UserFactory(username="cm1", roles=[Role.CHANGE_MANAGER, Role.AGENT])
members = [factories.agent(username=f"cab{i}", email=f"cab{i}@kill.test") for i in range(3)]
factories.TeamFactory(name="CAB", slug="cab", members=members, lead=members[0])
owners = factories.TeamFactory(name="Shop owners", slug="shop-owners")
owners.lead = factories.agent(username="shoplead", email="lead@kill.test")
owners.save()
service = ci("business_service", name="Webshop", criticality=1, owner_team="shop-owners")
app = ci("application", name="shop-app")
server = ci("server", name="shop-srv-1")
relate(service, app)
relate(app, server, "runs_on")
agent = as_actor(factories.agent(username="raiser", email="raiser@kill.test"))
change = services.change_create(agent, title="Patch the shop", cis=[server.number],
    risk_answers=HIGH, **PLANS)
change = in_authorisation(agent, change)
cab = change.approvals.get(label="Change Advisory Board")
print(services.approval_link_token(cab, approver=members[1], sent_to=members[1]))
"""

REJECT = """
from steward.changes import services
from steward.core.errors import Conflict
services.approval_decide_by_link({token!r}, decision="reject", comment="Not now")
"""


MAILS = """
from steward.core.models import OutgoingMail
print("mails", OutgoingMail.objects.count())
"""


def test_a_link_rejection_killed_before_its_commit_leaves_nothing_and_mails_once(own_steward):
    app = own_steward(smtp_up=True)
    token = sent_once(app, CHANGE).strip().splitlines()[-1]  # the approval requests sent
    requests = len(app.sink.ids())
    before = app.db.query("SELECT id, state FROM changes_changeapproval ORDER BY id")
    assert [s for _, s in before] == ["pending", "pending"]

    # killed after the other approval is withdrawn, before the decision's transaction commits
    killed(
        app,
        "from steward.changes.services import approvals\n"
        "kill_after(approvals, '_withdraw_pending')\n" + REJECT.format(token=token),
    )
    assert app.db.query("SELECT id, state FROM changes_changeapproval ORDER BY id") == before
    assert app.db.scalar("SELECT count(*) FROM changes_approvaldecision") == 0
    assert app.db.scalar("SELECT approval_state FROM changes_change") == "pending"
    topics = "SELECT count(*) FROM core_outboxmessage WHERE topic LIKE 'change.%rejected'"
    assert app.db.scalar(topics) == 0

    # the approver clicks the link again (and once more, as if the answer was lost): one
    # decision, the change rejected, nothing pending; the third click refused, mailing nobody
    twice = (
        REJECT
        + DISPATCH
        + MAILS
        + "try:\n"
        + _indent(REJECT)
        + ("\nexcept Conflict as exc:\n    print('refused:', exc)\n" + DISPATCH + MAILS)
    )
    out = sent_once(app, twice.format(token=token)).splitlines()
    assert any(line.startswith("refused: ") for line in out), out
    counts = [line for line in out if line.startswith("mails ")]
    assert len(counts) == 2, counts
    assert counts[0] == counts[1], counts
    after = dict(app.db.query("SELECT label, state FROM changes_changeapproval"))
    assert after == {
        "Change Advisory Board": "rejected",
        "Owner team lead of the impacted services": "not_required",
    }
    assert app.db.scalar("SELECT approval_state FROM changes_change") == "rejected"
    assert app.db.scalar("SELECT count(*) FROM changes_approvaldecision") == 1
    assert len(app.sink.ids()) > requests, "the rejection mailed nobody"


def _indent(code: str) -> str:
    return "\n".join("    " + line for line in code.strip().splitlines())


# --- the CMDB file import -----------------------------------------------------------------

CIS = 40

ESTATE = (
    "SELECT c.number, c.name, c.ci_class_id, c.attributes, c.version,"
    " (SELECT count(*) FROM cmdb_relationship r WHERE r.source_id = c.id)"
    " FROM cmdb_configurationitem c ORDER BY c.number"
)


def _estate_file(app) -> str:
    body = {
        "cis": [
            {"ci_class": "server", "name": f"srv{n}", "attributes": {"fqdn": f"srv{n}.kill.test"}}
            for n in range(CIS)
        ]
        + [{"ci_class": "application", "name": f"app{n}", "app_id": f"A{n}"} for n in range(CIS)],
        "relationships": [
            {"source": f"A{n}", "type": "runs_on", "target": f"srv{n}.kill.test"}
            for n in range(CIS)
        ],
    }
    path = app.tmp / "estate.json"
    path.write_text(json.dumps(body))
    return str(path)


def test_a_cmdb_import_killed_before_its_commit_leaves_nothing_and_reruns_alike(own_steward):
    app = own_steward(smtp_up=False)  # nothing here mails
    path = _estate_file(app)
    counts = (
        "SELECT (SELECT count(*) FROM cmdb_configurationitem),"
        " (SELECT count(*) FROM cmdb_relationship), (SELECT count(*) FROM core_auditentry),"
        " (SELECT count(*) FROM core_outboxmessage)"
    )

    # killed with every CI and relationship written, before the import's one commit
    killed(
        app,
        "from django.core.management import call_command\n"
        "from steward.cmdb.imports import service\n"
        "kill_after(service, 'apply_relationships')\n"
        f"call_command('import', 'cmdb', {path!r}, '--source', 'discovery')\n",
    )
    assert app.db.query(counts) == [(0, 0, 0, 0)], "a killed import left part of itself"

    # the importer runs it again: the whole estate; and once more: nothing changes
    app.run("import", "cmdb", path, "--source", "discovery")
    estate = app.db.query(ESTATE)
    assert len(estate) == 2 * CIS
    assert app.db.scalar("SELECT count(*) FROM cmdb_relationship") == CIS
    written = app.db.query(counts)
    app.run("import", "cmdb", path, "--source", "discovery")
    assert app.db.query(ESTATE) == estate
    assert app.db.query(counts) == written, "a re-run wrote again (audit rows, events)"


# --- the incident bulk import, by chunks -------------------------------------------------

PEOPLE = """
from tests import factories
factories.TeamFactory(slug="desk", name="Desk")
factories.requester(username="req1", email="req1@kill.test")
"""

CHUNK, ROWS = 10, 30


def test_an_incident_import_killed_mid_chunk_keeps_whole_chunks_only(own_steward):
    app = own_steward(smtp_up=False)
    app.run("shell", "-c", PEOPLE)
    lines = [
        json.dumps(
            {"title": f"Imported {n}", "caller": "req1", "team": "desk", "impact": 2, "urgency": 2}
        )  # fmt: skip
        for n in range(ROWS)
    ]
    path = app.tmp / "incidents.jsonl"
    path.write_text("\n".join(lines) + "\n")
    audit = "SELECT count(*) FROM core_auditentry"
    audited = [app.db.scalar(audit)]

    # killed with the second chunk written (its clocks, audit, index and events too), before
    # that chunk's commit
    killed(
        app,
        "from steward.incidents.services import bulk\n"
        "kill_after(bulk.outbox, 'emit_batch', nth=2)\n"
        "from django.core.management import call_command\n"
        f"call_command('incidents_import', {str(path)!r}, '--chunk', '{CHUNK}')\n",
    )
    titles = titles_of(app)
    assert titles == [f"Imported {n}" for n in range(CHUNK)], "not exactly the first chunk"
    assert _imported_events(app) == titles_of(app), "the events name other incidents"
    numbers = [n for (n,) in app.db.query("SELECT number FROM incidents_incident ORDER BY 1")]
    assert numbers == [f"INC{n:07d}" for n in range(1, CHUNK + 1)]
    audited.append(app.db.scalar(audit))

    # the operator resumes after the chunks reported done: every row once, numbers unbroken
    path.write_text("\n".join(lines[CHUNK:]) + "\n")
    app.run("incidents_import", str(path), "--chunk", str(CHUNK))
    assert titles_of(app) == [f"Imported {n}" for n in range(ROWS)]
    assert _imported_events(app) == titles_of(app)
    audited.append(app.db.scalar(audit))
    # as many audit rows per incident after the kill as after the resume: none of the
    # killed chunk's stayed
    assert (audited[1] - audited[0]) * ROWS == (audited[2] - audited[0]) * CHUNK, audited


def test_an_incident_import_killed_mid_chunk_is_run_again_whole_and_writes_each_row_once(
    own_steward,
):
    """The operator runs the same whole file again after the kill (decision 0094): the rows
    with an external reference already imported are skipped and counted, the rest written
    once; a third run writes nothing."""
    app = own_steward(smtp_up=False)
    app.run("shell", "-c", PEOPLE)
    lines = [
        json.dumps(
            {
                "title": f"Imported {n}",
                "caller": "req1",
                "team": "desk",
                "impact": 2,
                "urgency": 2,
                "external_source": "legacy",
                "external_id": f"L-{n}",
            }
        )  # fmt: skip
        for n in range(ROWS)
    ]
    path = app.tmp / "incidents.jsonl"
    path.write_text("\n".join(lines) + "\n")
    killed(
        app,
        "from steward.incidents.services import bulk\n"
        "kill_after(bulk.outbox, 'emit_batch', nth=2)\n"
        "from django.core.management import call_command\n"
        f"call_command('incidents_import', {str(path)!r}, '--chunk', '{CHUNK}')\n",
    )
    assert titles_of(app) == [f"Imported {n}" for n in range(CHUNK)], "not exactly the first chunk"

    out = app.run("incidents_import", str(path), "--chunk", str(CHUNK), "-v", "2")
    assert titles_of(app) == [f"Imported {n}" for n in range(ROWS)], "a row written twice"
    assert _imported_events(app) == titles_of(app)
    assert f"imported {ROWS - CHUNK} incidents; skipped {CHUNK} rows" in out, out
    assert f"row {CHUNK}: skipped, legacy 'L-{CHUNK - 1}' is INC{CHUNK:07d}" in out, out
    refs = "SELECT external_source, external_id, title FROM incidents_incident ORDER BY number"
    assert app.db.query(refs) == [("legacy", f"L-{n}", f"Imported {n}") for n in range(ROWS)]

    audit = "SELECT count(*) FROM core_auditentry"
    audited = app.db.scalar(audit)
    out = app.run("incidents_import", str(path), "--chunk", str(CHUNK))
    assert f"imported 0 incidents; skipped {ROWS} rows" in out, out
    assert titles_of(app) == [f"Imported {n}" for n in range(ROWS)]
    assert app.db.scalar(audit) == audited, "a run of nothing new wrote audit rows"


def titles_of(app) -> list[str]:
    return [t for (t,) in app.db.query("SELECT title FROM incidents_incident ORDER BY number")]


def _imported_events(app) -> list[str]:
    """The titles of the incidents the ``incidents.imported`` events name, once each."""
    ids = []
    for (payload,) in app.db.query(
        "SELECT payload FROM core_outboxmessage WHERE topic = 'incidents.imported'"
    ):
        ids += (json.loads(payload) if isinstance(payload, str) else payload)["ids"]
    assert len(ids) == len(set(ids)), "an incident in two events"
    titles = dict(app.db.query("SELECT id, title FROM incidents_incident"))
    return sorted((titles.get(i, f"no incident {i}") for i in ids), key=_order)


def _order(title: str) -> int:
    return int(title.rpartition(" ")[2])


# --- the catalogue order's fulfilment action ----------------------------------------------

ORDER = """
import datetime as dt
from steward.assets import services as assets
from steward.catalog import services as catalog
from steward.catalog.models import Task
from steward.core.actor import Actor
from steward.core.choices import Role
from tests import factories

system = Actor.system("kill")
manager = factories.UserFactory(username="am1", email="am1@kill.test",
    roles=[Role.AGENT, Role.ASSET_MANAGER])
factories.TeamFactory(slug="workplace", name="Workplace", members=[manager],
    email="workplace@kill.test")
laptop = assets.category_create(system, name="Laptop")
model = assets.model_create(system, manufacturer="Dell", name="Latitude 7440",
    category=laptop.slug)
assets.stock_room_create(system, name="Main stock room")
for n in range(2):
    assets.asset_create(system, asset_tag=f"TAG-{n}", serial_number=f"SER-{n}",
        model=model.pk, status="in_stock", cost="1200.00", purchase_date=dt.date(2025, 1, 15))
catalog.item_create(system, name="Laptop loan",
    form=[{"key": "model", "label": "Model", "type": "choice", "required": True,
           "choices": ["Dell Latitude 7440"]}],
    task_templates=[{"title": "Hand out the laptop", "team": "workplace",
                     "action": "asset.assign"}])
carol = factories.requester(username="carol", email="carol@kill.test")
request = catalog.request_order(Actor(user=carol), item="laptop-loan",
    answers={"model": "Dell Latitude 7440"})
task = Task.objects.get(request=request)
catalog.task_take(Actor(user=manager), number=task.number)
print(task.number)
"""

COMPLETE = """
from steward.catalog import services as catalog
from steward.core.actor import Actor
from steward.core.models import User
catalog.task_complete(Actor(user=User.objects.get(username="am1")), number={task!r},
    notes="Handed over.")
"""


def test_a_fulfilment_killed_before_its_commit_hands_out_one_asset_once(own_steward):
    app = own_steward(smtp_up=True)
    task = sent_once(app, ORDER).strip().splitlines()[-1]
    before = len(app.sink.ids())
    stock = "SELECT status, assignee_id FROM assets_asset ORDER BY id"
    in_stock = app.db.query(stock)
    assert [s for s, _ in in_stock] == ["in_stock", "in_stock"]

    # killed with the laptop checked out to the requester, before the task's commit
    killed(
        app,
        "from steward.catalog.services import fulfilment\n"
        "kill_after(fulfilment, 'run_action')\n" + COMPLETE.format(task=task),
    )
    assert app.db.query(stock) == in_stock, "a killed fulfilment checked an asset out"
    assert app.db.scalar("SELECT count(*) FROM assets_assignment") == 0
    assert app.db.scalar("SELECT status FROM catalog_task") == "in_progress"

    # the asset manager completes the task again: one asset handed out, the request done
    sent_once(app, COMPLETE.format(task=task))
    statuses = sorted(s for s, _ in app.db.query(stock))
    assert statuses == ["deployed", "in_stock"]
    assert app.db.scalar("SELECT count(*) FROM assets_assignment") == 1
    assert app.db.scalar("SELECT status FROM catalog_task") == "done"
    assert app.db.scalar("SELECT status FROM catalog_request") == "completed"
    assert len(app.sink.ids()) > before, "the completion mailed nobody"
