"""The bulk path: all rows or none, every row's errors reported with the single create's
messages, audited, searchable, with SLA clocks."""

import datetime as dt
import io
import json

import pytest

from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry
from steward.incidents.models import Incident
from steward.incidents.selectors import incident_list
from steward.incidents.services import incident_create
from steward.incidents.services.bulk import incidents_import
from steward.sla.models import SlaClock
from tests import factories

pytestmark = pytest.mark.django_db


def rows(n, **extra):
    return [
        {"title": f"Imported {i}", "caller": "req1", "impact": 1 + i % 3, "urgency": 2, **extra}
        for i in range(n)
    ]


def test_import_numbers_prioritises_and_audits(admin_actor, requester_user, desk):
    made = incidents_import(
        admin_actor,
        rows(
            5,
            team="desk",
            status="resolved",
            resolution_code="solved",
            opened_at="2026-06-01T09:00:00Z",
        ),
    )
    assert [i.number for i in made] == [f"INC000000{n}" for n in range(1, 6)]
    stored = Incident.objects.order_by("number")
    assert [i.priority for i in stored] == [2, 3, 4, 2, 3]
    assert {i.status for i in stored} == {"resolved"}
    assert all(i.resolved_at is not None for i in stored)
    assert stored[0].opened_at.isoformat() == "2026-06-01T09:00:00+00:00"
    assert AuditEntry.objects.filter(content_type__model="incident", action="create").count() == 5


def test_one_bad_row_writes_nothing_and_names_every_problem(admin_actor, requester_user):
    batch = rows(4)
    batch[1]["caller"] = "ghost"
    batch[3]["impact"] = 7
    batch[3]["colour"] = "red"
    with pytest.raises(ValidationFailed) as err:
        incidents_import(admin_actor, batch)
    assert set(err.value.fields) == {"rows[2].caller", "rows[4].impact", "rows[4].colour"}
    assert not Incident.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="incident").exists()


REFERENCES = ["caller", "category", "subcategory", "team", "assignee"]
CHOICES = ["status", "channel", "resolution_code"]  # empty means the default for these


@pytest.mark.parametrize(
    ("field", "value"),
    [(f, v) for f in REFERENCES for v in ([], {}, ["desk"], {"slug": "desk"}, 7)]
    + [(f, v) for f in CHOICES for v in (["new"], {"a": "new"}, 7)],
)
def test_a_reference_that_is_not_text_is_named_not_a_crash(
    admin_actor, requester_user, desk, field, value
):
    # a JSON Lines file can hold any JSON value where a reference's text belongs
    batch = rows(2)
    batch[1][field] = value
    with pytest.raises(ValidationFailed) as err:
        incidents_import(admin_actor, batch)
    assert f"rows[2].{field}" in err.value.fields
    assert not Incident.objects.exists()


def test_only_admins_import(agent_actor, requester_user):
    with pytest.raises(PermissionDenied):
        incidents_import(agent_actor, rows(1))


def test_imported_incidents_are_searchable(admin_actor, requester_user):
    # no on-commit callbacks run: the import writes the index rows itself
    incidents_import(admin_actor, [{"title": "Quarterly zzyzx report fails", "caller": "req1"}])
    assert [i.title for i in incident_list(admin_actor, q="zzyzx").items] == [
        "Quarterly zzyzx report fails"
    ]


def _breaks(rule, desk, admin_actor):
    """The fields of an incident that breaks ``rule``; set-up done here."""
    from steward.core.models import Team
    from steward.incidents.models import Category

    if rule == "subcategory outside the category":
        return {"category": "network", "subcategory": "hardware-laptop"}
    if rule == "subcategory without a category":
        return {"subcategory": "network-vpn"}
    if rule == "inactive category":
        Category.objects.filter(slug="hardware").update(is_active=False)
        return {"category": "hardware"}
    if rule == "subcategory as category":
        return {"category": "network-vpn"}
    if rule == "inactive team":
        Team.objects.filter(slug="desk").update(is_active=False)
        return {"team": "desk"}
    if rule == "assignee outside the team":
        factories.agent(username="outsider")
        return {"team": "desk", "assignee": "outsider"}
    if rule == "assignee not an agent":
        return {"assignee": "req1"}
    if rule == "inactive assignee":
        factories.agent(username="gone", is_active=False)
        return {"assignee": "gone"}
    if rule == "impact out of range":
        return {"impact": 7}
    if rule == "blank title":
        return {"title": "  "}
    if rule == "unknown channel":
        return {"channel": "pigeon"}
    if rule == "unknown CI":
        return {"configuration_item": "ci9999999"}
    raise AssertionError(rule)


@pytest.mark.parametrize(
    "rule",
    [
        "subcategory outside the category",
        "subcategory without a category",
        "inactive category",
        "subcategory as category",
        "inactive team",
        "assignee outside the team",
        "assignee not an agent",
        "inactive assignee",
        "impact out of range",
        "blank title",
        "unknown channel",
        "unknown CI",
    ],
)
def test_a_row_breaking_a_service_rule_is_refused_with_the_services_message(
    rule, admin_actor, requester_user, agent_user, desk
):
    fields = {"title": "Printer jams", **_breaks(rule, desk, admin_actor)}
    with pytest.raises(ValidationFailed) as single:
        incident_create(admin_actor, caller="req1", **fields)
    with pytest.raises(ValidationFailed) as bulk:
        incidents_import(admin_actor, rows(1) + [{"caller": "req1", **fields}])

    assert len(single.value.fields) == 1
    field, messages = next(iter(single.value.fields.items()))
    assert bulk.value.fields == {f"rows[2].{field}": messages}
    assert not Incident.objects.exists()


def test_imported_incidents_have_sla_clocks_that_follow_their_history(
    admin_actor, requester_user, agent_user, desk, always_on
):
    opened = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    made = incidents_import(
        admin_actor,
        [
            {"title": "Open one", "caller": "req1", "opened_at": opened},
            {
                "title": "Answered, waiting",
                "caller": "req1",
                "team": "desk",
                "assignee": "agent1",
                "status": "on_hold",
                "opened_at": opened,
                "first_response_at": opened + dt.timedelta(minutes=10),
            },
            {
                "title": "Done",
                "caller": "req1",
                "status": "resolved",
                "resolution_code": "solved",
                "opened_at": opened,
                "resolved_at": opened + dt.timedelta(hours=1),
            },
        ],
    )

    states = {
        i.title: {c.kind: c.state for c in SlaClock.objects.filter(object_id=str(i.pk))}
        for i in made
    }
    assert states == {
        "Open one": {"response": "running", "resolution": "running"},
        "Answered, waiting": {"response": "stopped", "resolution": "paused"},
        "Done": {"response": "stopped", "resolution": "stopped"},
    }
    started = {c.started_at for c in SlaClock.objects.all()}
    assert started == {opened}


def test_demo_incidents_have_sla_clocks(admin_actor, agent_user, always_on):
    import random

    from steward.core.services import team_create
    from steward.incidents import demo

    for n in range(3):
        factories.requester(username=f"demo-req-{n}")
    team_create(admin_actor, name="Network", slug="network", members=["agent1"])

    made = demo.load(random.Random(3), count=40)

    assert made == Incident.objects.count() == 41
    clocked = set(SlaClock.objects.values_list("object_id", flat=True))
    assert clocked == {str(pk) for pk in Incident.objects.values_list("pk", flat=True)}


def test_demo_incidents_of_covered_categories_name_their_ci_and_service(admin_actor, agent_user):
    import random

    from steward.cmdb import demo as cmdb_demo
    from steward.core.services import team_create
    from steward.incidents import demo

    for n in range(3):
        factories.requester(username=f"demo-req-{n}")
    team_create(admin_actor, name="Network", slug="network", members=["agent1"])
    cmdb_demo.load(random.Random(1))

    demo.load(random.Random(3), count=200)

    covered = Incident.objects.filter(category__slug__in=list(demo.CMDB))
    assert covered.count() > 20
    with_ci = covered.filter(configuration_item__isnull=False)
    assert with_ci.count() > covered.count() / 2
    assert covered.filter(affected_service__ci_class__slug="business_service").exists()
    assert not Incident.objects.exclude(category__slug__in=list(demo.CMDB)).filter(
        configuration_item__isnull=False
    )


def _stored(incident):
    """What a create leaves behind, minus what differs by construction (ids, number)."""
    from django.db import connection

    from steward.incidents.selectors.search import TABLE

    incident.refresh_from_db()
    clocks = SlaClock.objects.filter(object_id=str(incident.pk)).order_by("kind")
    audit = AuditEntry.objects.get(
        content_type__model="incident", object_id=str(incident.pk), action="create"
    )
    changes = {k: v for k, v in audit.changes.items() if k != "number"}
    with connection.cursor() as cursor:
        key = "incident_id" if connection.vendor == "postgresql" else "rowid"
        cursor.execute(
            f"SELECT public::text, internal::text FROM {TABLE} WHERE {key} = %s"  # noqa: S608
            if connection.vendor == "postgresql"
            else f"SELECT public, internal FROM {TABLE} WHERE {key} = %s",  # noqa: S608
            [incident.pk],
        )
        index = [
            text.replace(incident.number.lower(), "N").replace(incident.number, "N")
            for text in cursor.fetchone()
        ]
    return {
        "fields": {
            f: getattr(incident, f)
            for f in (
                "title",
                "description",
                "priority",
                "impact",
                "urgency",
                "status",
                "team_id",
                "assignee_id",
                "caller_id",
                "organisation_id",
                "channel",
                "opened_at",
                "is_open",
                "category_id",
            )
        },
        "clocks": [(c.kind, c.state, c.policy_id, c.due_at, c.started_at) for c in clocks],
        "audit": changes,
        "index": index,
    }


def test_a_bulk_loaded_incident_equals_a_singly_created_one(
    admin_actor, agent_actor, requester_user, desk, always_on
):
    single = incident_create(
        agent_actor,
        title="Badge reader dead at gate 4",
        description="Nobody gets in",
        caller="req1",
        impact=1,
        urgency=2,
        team="desk",
        assignee=agent_actor.user.username,
        channel="phone",
    )
    [bulk] = incidents_import(
        admin_actor,
        [
            {
                "title": "Badge reader dead at gate 4",
                "description": "Nobody gets in",
                "caller": "req1",
                "impact": 1,
                "urgency": 2,
                "team": "desk",
                "assignee": agent_actor.user.username,
                "channel": "phone",
                "status": "assigned",
                "opened_at": single.opened_at.isoformat(),
            }
        ],
    )
    one, other = _stored(single), _stored(bulk)
    assert one["clocks"], "the SLA clocks must be part of the comparison"
    assert one == other
    # the rows a single create and the import each write with the incident: the import's
    # event names its incidents by id (history is not announced one incident at a time)
    assert _events(single) == [
        ("incident.created", {"number": single.number, "priority": 2, "is_major": False}),
        (
            "incident.assigned",
            {
                "number": single.number,
                "team": desk.pk,
                "assignee": agent_actor.user.pk,
                "by": agent_actor.user.pk,
            },
        ),
    ]
    assert _events(bulk) == [("incidents.imported", {"ids": [bulk.pk]})]


def _events(incident):
    from steward.core.models import OutboxMessage

    return [
        (m.topic, m.payload)
        for m in OutboxMessage.objects.filter(
            object_type="incidents.incident", object_id=str(incident.pk)
        ).order_by("id")
    ]


def _history(n):
    """``n`` rows of one shape, each with the moves the import replays on its clocks."""
    opened = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
    shapes = [
        {
            "team": "desk",
            "assignee": "agent1",
            "status": "on_hold",
            "first_response_at": opened + dt.timedelta(minutes=10),
        },
        {
            "status": "closed",
            "resolution_code": "solved",
            "resolved_at": opened + dt.timedelta(hours=9),
        },  # past the 4 hours: a breach event
        {"team": "desk", "status": "assigned"},
    ]
    return [
        {"title": f"Row {k}", "caller": "req1", "opened_at": opened, **shapes[k % 3]}
        for k in range(n)
    ]


@pytest.mark.parametrize("size", [3, 60])
def test_an_import_runs_the_same_statements_whatever_its_size(
    size, admin_actor, requester_user, agent_user, desk, always_on
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steward.sla.models import SlaEvent

    incidents_import(admin_actor, _history(1))  # the caches and the number counter filled
    with CaptureQueriesContext(connection) as captured:
        made = incidents_import(admin_actor, _history(size))

    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    # references (users, teams, members, the cache stamps, read once for the batch: 0104),
    # the actor's groups; numbers, keys, incidents; clock keys, clocks, threshold events and
    # their outbox rows; index (its terms too on SQLite); audit rows; the import's event
    expected = 16 if connection.vendor == "sqlite" else 15
    assert len(statements) == expected, "\n".join(statements)
    assert len(made) == size
    assert SlaClock.objects.count() == 2 * (size + 1)  # with the first import's row
    # each closed row breached both clocks (stopped after 9 hours, never answered)
    assert SlaEvent.objects.count() == 2 * (size // 3)
    created = AuditEntry.objects.filter(action="create", content_type__model="incident")
    assert created.count() == size + 1


def test_chunked_import_commits_each_chunk_and_reports_progress(admin_actor, requester_user):
    from steward.incidents.services.bulk import incidents_import_chunks

    heard = []
    totals = incidents_import_chunks(
        admin_actor, iter(rows(7)), chunk=3, progress=lambda t, s: heard.append((t, s))
    )
    assert totals == (7, 7, 0)
    assert Incident.objects.count() == 7
    assert heard == [((3, 3, 0), []), ((6, 6, 0), []), ((7, 7, 0), [])]


def test_chunked_import_keeps_the_chunks_before_a_bad_row_and_names_it_in_the_stream(
    admin_actor, requester_user
):
    from steward.incidents.services.bulk import incidents_import_chunks

    batch = rows(7)
    batch[4]["impact"] = 9  # row 5: the second chunk of three
    with pytest.raises(ValidationFailed) as err:
        incidents_import_chunks(admin_actor, batch, chunk=3)
    assert set(err.value.fields) == {"rows[5].impact"}
    assert Incident.objects.count() == 3


def test_the_import_command_reads_json_lines(tmp_path, requester_user):
    import json

    from django.core.management import CommandError, call_command

    path = tmp_path / "incidents.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows(3)) + "\n")
    out = io.StringIO()
    call_command("incidents_import", str(path), "--chunk", "2", stdout=out)
    assert Incident.objects.count() == 3
    assert "imported 3 incidents" in out.getvalue()

    path.write_text('{"title": "x", "caller": "ghost"}\n')
    with pytest.raises(CommandError, match=r"rows\[1\]\.caller"):
        call_command("incidents_import", str(path), stdout=out)


@pytest.mark.parametrize("field", ["description", "external_id", "external_source", "team"])
def test_the_import_command_names_a_lone_surrogate_before_anything_is_written(
    tmp_path, field, requester_user
):
    """A lone surrogate ("\\ud800", which JSON may write and UTF-8 cannot hold) reached the
    chunk's INSERT or look-up as a UnicodeEncodeError, a traceback on both databases; the
    command stops at the line, naming the field (a key holding one too). A valid pair (an
    emoji written as two escapes) is text and imported."""
    from django.core.management import CommandError, call_command

    good, bad = rows(2)
    path = tmp_path / "incidents.jsonl"
    line = json.dumps({**bad, field: "x"}).replace('"x"', '"a\\ud800b"')
    path.write_text(json.dumps(good) + "\n" + line + "\n")
    with pytest.raises(CommandError, match=rf"line 2: '{field}' holds a lone surrogate"):
        call_command("incidents_import", str(path), stdout=io.StringIO())
    key = json.dumps(good)[:-1] + ', "\\udc00": 1}'
    path.write_text(key + "\n")
    with pytest.raises(CommandError, match=r"line 1: '\\\\udc00' holds a lone surrogate"):
        call_command("incidents_import", str(path), stdout=io.StringIO())
    assert Incident.objects.count() == 0

    paired = json.dumps({**good, "description": "\U0001f525 hot"})  # "\\ud83d\\udd25"
    assert "\\ud83d" in paired
    path.write_text(paired + "\n")
    call_command("incidents_import", str(path), stdout=io.StringIO())
    assert Incident.objects.get().description == "\U0001f525 hot"


def test_the_import_command_names_a_line_that_is_not_utf8(tmp_path):
    """Bytes that are not UTF-8 were a UnicodeDecodeError traceback; the line is named."""
    from django.core.management import CommandError, call_command

    good, bad = rows(2)
    path = tmp_path / "incidents.jsonl"
    path.write_bytes(
        json.dumps(good).encode()
        + b"\n"
        + json.dumps(bad).encode()[:-1]
        + b', "description": "\xff"}\n'
    )
    with pytest.raises(CommandError, match=r"line 2: not UTF-8"):
        call_command("incidents_import", str(path), stdout=io.StringIO())
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("field", ["description", "external_id", "title\u0000"])
def test_the_import_command_names_a_nul_before_anything_is_written(tmp_path, field):
    """On PostgreSQL a NUL reached the chunk's INSERT as a DataError (a traceback, on
    SQLite it was kept); the command now stops at the line, naming the field."""
    import json

    from django.core.management import CommandError, call_command

    good, bad = rows(2)
    bad = {**bad, field: "a\u0000b"}
    path = tmp_path / "incidents.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(CommandError, match=r"line 2: .* holds a NUL character"):
        call_command("incidents_import", str(path), stdout=io.StringIO())
    assert Incident.objects.count() == 0
