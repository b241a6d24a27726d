"""An incident's external reference (decision 0094): unique per source and organisation of
the incident when given (amendment 6), none when absent or blank; the import skips the rows
already imported, in one statement per chunk; an API create with a used reference answers
that incident (200), nothing written."""

import io
import json
import threading

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from steward.core.errors import ValidationFailed
from steward.core.models import AuditEntry
from steward.incidents.models import Incident
from steward.incidents.services import external
from steward.incidents.services.bulk import incidents_import, incidents_import_chunks
from steward.incidents.services.external import Skipped
from tests import factories
from tests.conftest import api_client_for, as_actor

pytestmark = pytest.mark.django_db


def row(n, **extra):
    return {"title": f"Imported {n}", "caller": "req1", "impact": 2, "urgency": 2, **extra}


def refs():
    return list(
        Incident.objects.order_by("number").values_list("external_source", "external_id", "title")
    )


# --- the column -------------------------------------------------------------------------


def test_a_reference_is_unique_per_source_and_many_incidents_have_none(admin_actor, requester_user):
    incidents_import(
        admin_actor,
        [
            row(0, external_source="a", external_id="7"),
            row(1, external_source="b", external_id="7"),  # the same id from another source
            row(2),
            row(3),  # two without: no constraint between them
        ],
    )
    assert refs() == [("a", "7", "Imported 0"), ("b", "7", "Imported 1")] + [
        ("", None, "Imported 2"),
        ("", None, "Imported 3"),
    ]
    first = Incident.objects.get(external_id="7", external_source="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=Incident.objects.get(title="Imported 2").pk).update(
            external_source="a", external_id="7"
        )
    assert Incident.objects.get(external_id="7", external_source="a") == first


# --- the import ---------------------------------------------------------------------------


def test_a_rerun_skips_the_rows_already_imported_and_writes_the_rest(admin_actor, requester_user):
    incidents_import(admin_actor, [row(n, external_id=f"X-{n}") for n in range(2)])
    audited = AuditEntry.objects.count()
    skipped = []
    made = incidents_import(
        admin_actor, [row(n, external_id=f"X-{n}") for n in range(4)], skipped=skipped
    )
    assert [i.title for i in made] == ["Imported 2", "Imported 3"]
    assert skipped == [Skipped(1, "", "X-0", "INC0000001"), Skipped(2, "", "X-1", "INC0000002")]
    assert [t for *_, t in refs()] == [f"Imported {n}" for n in range(4)]
    assert AuditEntry.objects.count() - audited == 2


def test_the_imports_audit_rows_carry_the_reference_as_a_single_creates_do(
    admin_actor, requester_user
):
    """The import's create entries had the audited fields only: an imported incident's
    entry said nothing of the source system's key a single create's entry records. Now
    each referenced row's entry has both, the same keys as a single create's; a row
    without a reference is as before; the entries follow the rows' order."""
    from steward.incidents.services import incident_create

    made = incidents_import(
        admin_actor,
        [
            row(0, external_source="legacy", external_id="L-1"),
            row(1),
            row(2, external_id=" L-2 "),  # no source: "" as a single create keeps it
            row(3, external_id=""),  # blank: no reference
            row(4, external_source="legacy", external_id=42),
        ],
    )
    entries = AuditEntry.objects.filter(
        content_type__model="incident", action="create", object_id__in=[str(i.pk) for i in made]
    ).order_by("id")
    assert [e.object_id for e in entries] == [str(i.pk) for i in made]
    changes = [e.changes for e in entries]
    assert changes[0]["external_source"] == [None, "legacy"]
    assert changes[0]["external_id"] == [None, "L-1"]
    assert changes[2]["external_source"] == [None, ""]
    assert changes[2]["external_id"] == [None, "L-2"]
    assert changes[4]["external_id"] == [None, "42"]
    for plain in (changes[1], changes[3]):
        assert "external_id" not in plain
        assert "external_source" not in plain

    single = incident_create(
        admin_actor, title="One", caller="req1", external_source="legacy", external_id="L-9"
    )
    entry = AuditEntry.objects.get(
        content_type__model="incident", action="create", object_id=str(single.pk)
    )
    assert set(changes[0]) == set(entry.changes)
    bare = incident_create(admin_actor, title="Two", caller="req1")
    bare_entry = AuditEntry.objects.get(
        content_type__model="incident", action="create", object_id=str(bare.pk)
    )
    assert set(changes[1]) == set(bare_entry.changes)


def test_rows_without_a_reference_or_with_a_blank_one_are_written_each_time(
    admin_actor, requester_user
):
    batch = [row(0), row(1, external_id=""), row(2, external_id="   "), row(3, external_id=None)]
    batch.append(row(4, external_source="only a source"))
    for _ in range(2):
        skipped = []
        assert len(incidents_import(admin_actor, batch, skipped=skipped)) == 5
        assert skipped == []
    assert Incident.objects.count() == 10
    assert set(Incident.objects.values_list("external_source", "external_id")) == {("", None)}


def test_a_reference_repeated_in_one_batch_is_written_once_and_names_its_first_row(
    admin_actor, requester_user
):
    skipped = []
    made = incidents_import(
        admin_actor,
        [row(0, external_id=" K "), row(1, external_id="K"), row(2, external_id=5)],
        skipped=skipped,
    )
    assert [(i.title, i.external_id) for i in made] == [("Imported 0", "K"), ("Imported 2", "5")]
    assert skipped == [Skipped(2, "", "K", made[0].number)]


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"external_id": "x" * 256}, ("rows[2].external_id", "at most 255 characters")),
        (
            {"external_id": "1", "external_source": "s" * 41},
            ("rows[2].external_source", "at most 40 characters"),
        ),
        ({"external_id": ["1"]}, ("rows[2].external_id", "must be text")),
        ({"external_id": True}, ("rows[2].external_id", "must be text")),
        ({"external_id": "1", "external_source": 3}, ("rows[2].external_source", "must be text")),
    ],
)
def test_a_bad_reference_is_named_by_row_and_field_and_nothing_is_written(
    admin_actor, requester_user, fields, problem
):
    with pytest.raises(ValidationFailed) as err:
        incidents_import(admin_actor, [row(0), row(1, **fields)])
    assert err.value.fields == {problem[0]: [problem[1]]}
    assert Incident.objects.count() == 0


def test_the_longest_reference_is_kept_whole(admin_actor, requester_user):
    long_id, long_source = "é" * 255, "s" * 40
    incidents_import(admin_actor, [row(0, external_id=long_id, external_source=long_source)])
    assert refs() == [(long_source, long_id, "Imported 0")]


def test_a_skipped_row_is_not_judged_again(admin_actor, requester_user):
    incidents_import(admin_actor, [row(0, external_id="A")])
    requester_user.is_active = False  # the caller left since the first run
    requester_user.save()
    skipped = []
    assert incidents_import(admin_actor, [row(0, external_id="A")], skipped=skipped) == []
    assert [s.number for s in skipped] == ["INC0000001"]


def test_the_references_of_a_chunk_are_asked_in_one_statement(admin_actor, requester_user):
    incidents_import(admin_actor, [row(0, external_id="0")])

    def statements(batch):
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            incidents_import(admin_actor, batch)
            transaction.set_rollback(True)
        return [q["sql"] for q in queries]

    plain = statements([row(n) for n in range(1, 40)])
    keyed = statements([row(n, external_id=str(n)) for n in range(1, 40)])
    asked = [sql for sql in keyed if "external_id IS NOT NULL" in sql]
    assert len(asked) == 1
    assert len(keyed) == len(plain) + 1
    assert len(statements([row(n, external_id=str(n)) for n in range(1, 400)])) == len(keyed)


def test_chunks_run_again_are_skipped_and_counted(admin_actor, requester_user):
    stream = [row(n, external_source="old", external_id=f"#{n}") for n in range(7)]
    incidents_import_chunks(admin_actor, stream[:4], chunk=3)
    heard = []
    totals = incidents_import_chunks(
        admin_actor, stream, chunk=3, progress=lambda t, s: heard.append((t, [x.row for x in s]))
    )
    assert totals == (7, 3, 4)
    assert heard == [((3, 0, 3), [1, 2, 3]), ((6, 2, 4), [4]), ((7, 3, 4), [])]
    assert [t for *_, t in refs()] == [f"Imported {n}" for n in range(7)]


def test_the_command_tells_what_it_did(tmp_path, requester_user):
    path = tmp_path / "incidents.jsonl"
    lines = [json.dumps(row(n, external_source="legacy", external_id=f"L{n}")) for n in range(3)]
    path.write_text("\n".join(lines[:2]) + "\n")
    call_command("incidents_import", str(path), stdout=io.StringIO())
    path.write_text("\n".join(lines) + "\n")
    out = io.StringIO()
    call_command("incidents_import", str(path), "--chunk", "2", "-v", "2", stdout=out)
    assert out.getvalue().splitlines()[:2] == [
        "row 1: skipped, legacy 'L0' is INC0000001",
        "row 2: skipped, legacy 'L1' is INC0000002",
    ]
    assert "0 incidents imported, 2 skipped of 2 rows" in out.getvalue()
    assert out.getvalue().endswith(
        "imported 1 incidents; skipped 2 rows already imported (their external_id); 3 rows read\n"
    )
    path.write_text(json.dumps(row(9, external_id="y" * 300)) + "\n")
    with pytest.raises(CommandError, match=r"rows\[1\]\.external_id: at most 255 characters"):
        call_command("incidents_import", str(path), stdout=out)


# --- the API ------------------------------------------------------------------------------


def test_a_create_with_a_used_reference_answers_that_incident(agent_api, requester_user):
    body = {"title": "Disk full", "caller": "req1", "external_source": "nagios"}
    first = agent_api.post("/api/v1/incidents", {**body, "external_id": "host-7/disk"})
    assert first.status_code == 201, first.content
    again = agent_api.post(
        "/api/v1/incidents", {**body, "title": "Disk full again", "external_id": "host-7/disk "}
    )
    assert again.status_code == 200, again.content
    assert again.json()["number"] == first.json()["number"]
    assert again.json()["title"] == "Disk full"  # answered as it is, not updated
    assert again["ETag"] == '"1"'
    other = agent_api.post("/api/v1/incidents", {**body, "external_id": "host-8/disk"})
    assert other.status_code == 201
    elsewhere = {**body, "external_source": "zabbix", "external_id": "host-7/disk"}
    assert agent_api.post("/api/v1/incidents", elsewhere).status_code == 201
    assert Incident.objects.count() == 3


def test_creates_without_a_reference_or_with_a_blank_one_each_make_an_incident(
    agent_api, requester_user
):
    for extra in ({}, {"external_id": ""}, {"external_id": None}, {"external_id": "  "}) * 2:
        response = agent_api.post("/api/v1/incidents", {"title": "T", "caller": "req1", **extra})
        assert response.status_code == 201, response.content
    assert Incident.objects.filter(external_id=None).count() == 8


def test_a_create_racing_another_with_the_same_reference_answers_the_winner(
    agent_api, requester_user, monkeypatch
):
    body = {"title": "Disk full", "caller": "req1", "external_id": "r-1"}
    number = agent_api.post("/api/v1/incidents", body).json()["number"]
    found, looks = external._found, []

    def late(*args):  # the first look misses it, as a create racing this one would
        looks.append(1)
        return None if len(looks) == 1 else found(*args)

    monkeypatch.setattr(external, "_found", late)
    again = agent_api.post("/api/v1/incidents", body)
    assert (again.status_code, again.json()["number"], len(looks)) == (200, number, 2)
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"external_id": "x" * 256}, "external_id"),
        ({"external_id": "1", "external_source": "s" * 41}, "external_source"),
        ({"external_id": 12}, "external_id"),
    ],
)
def test_a_bad_reference_is_422_naming_its_field(agent_api, requester_user, extra, field):
    response = agent_api.post("/api/v1/incidents", {"title": "T", "caller": "req1", **extra})
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert Incident.objects.count() == 0


def test_a_requester_may_not_give_a_reference(requester_api):
    response = requester_api.post("/api/v1/incidents", {"title": "T", "external_id": "mine"})
    assert response.status_code == 403, response.content
    assert response.json()["error"]["fields"] == {"external_id": ["agents only"]}
    assert Incident.objects.count() == 0


# --- per organisation (amendment 6) ---------------------------------------------------------


@pytest.fixture
def customers(db):
    """Two customers of an MSP, each with a requester and an agent limited to it."""
    acme, globex = factories.OrganisationFactory(), factories.OrganisationFactory()
    factories.requester(username="ann", organisation=acme)
    factories.requester(username="gus", organisation=globex)
    agents = {}
    for name, organisation in (("acme-agent", acme), ("globex-agent", globex)):
        agents[name] = factories.agent(username=name)
        agents[name].served_organisations.set([organisation])
    return acme, globex, agents


def test_the_same_reference_in_two_organisations_is_two_incidents_each_answered_its_own(
    customers, agent_api
):
    acme, globex, agents = customers
    acme_api, globex_api = (api_client_for(agents[n]) for n in ("acme-agent", "globex-agent"))
    body = {"title": "Zabbix event", "external_source": "zabbix", "external_id": "17"}
    theirs = globex_api.post("/api/v1/incidents", {**body, "caller": "gus"})
    assert theirs.status_code == 201, theirs.content
    ours = acme_api.post("/api/v1/incidents", {**body, "caller": "ann", "title": "Acme's own"})
    assert ours.status_code == 201, ours.content  # not a 409 telling Acme of Globex's
    assert ours.json()["number"] != theirs.json()["number"]
    again = acme_api.post("/api/v1/incidents", {**body, "caller": "ann", "title": "Again"})
    assert (again.status_code, again.json()["number"]) == (200, ours.json()["number"])
    assert again.json()["title"] == "Acme's own"
    assert (
        globex_api.post("/api/v1/incidents", {**body, "caller": "gus"}).json()["number"]
        == (theirs.json()["number"])
    )
    # an agent who sees both is answered the one of the new incident's organisation
    for caller, answer in (("ann", ours), ("gus", theirs)):
        seen = agent_api.post("/api/v1/incidents", {**body, "caller": caller})
        assert (seen.status_code, seen.json()["number"]) == (200, answer.json()["number"])
    assert sorted(
        Incident.objects.values_list("organisation__slug", "external_source", "external_id")
    ) == sorted([(acme.slug, "zabbix", "17"), (globex.slug, "zabbix", "17")])


def test_the_unique_index_holds_per_organisation_and_for_the_incidents_of_none(
    admin_actor, customers, requester_user
):
    acme, globex, _ = customers
    made = incidents_import(
        admin_actor,
        [
            row(0, caller="ann", external_id="7"),
            row(1, caller="gus", external_id="7"),
            row(2, external_id="7"),  # req1: of no organisation
            row(3, caller="ann"),
            row(4),
        ],
    )
    assert [i.organisation_id for i in made[:3]] == [acme.pk, globex.pk, None]
    for title, onto in (("Imported 3", "Imported 0"), ("Imported 4", "Imported 2")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Incident.objects.filter(title=title).update(external_id="7")
        assert Incident.objects.get(title=onto).external_id == "7"


def test_an_import_skips_per_organisation_of_the_rows_caller(
    admin_actor, customers, requester_user
):
    acme, globex, _ = customers
    first = incidents_import(admin_actor, [row(0, caller="gus", external_id="E-1")])
    skipped = []
    made = incidents_import(
        admin_actor,
        [
            row(1, caller="ann", external_id="E-1"),  # Globex's key, not Acme's: written
            row(2, caller="gus", external_id="E-1"),  # Globex's again: skipped
            row(3, external_id="E-1"),  # of no organisation: written
        ],
        skipped=skipped,
    )
    assert [(i.title, i.organisation_id) for i in made] == [
        ("Imported 1", acme.pk),
        ("Imported 3", None),
    ]
    assert skipped == [Skipped(2, "", "E-1", first[0].number)]
    rerun = []
    batch = [row(n, caller=c, external_id="E-1") for n, c in ((1, "ann"), (2, "gus"), (3, "req1"))]
    assert incidents_import(admin_actor, batch, skipped=rerun) == []
    assert [s.number for s in rerun] == [made[0].number, first[0].number, made[1].number]


def test_a_repeat_by_another_caller_of_the_same_organisation_is_skipped(admin_actor, customers):
    acme, _, _ = customers
    factories.requester(username="amy", organisation=acme)
    skipped = []
    made = incidents_import(
        admin_actor,
        [row(0, caller="ann", external_id="R"), row(1, caller="amy", external_id="R")],
        skipped=skipped,
    )
    assert [i.title for i in made] == ["Imported 0"]
    assert skipped == [Skipped(2, "", "R", made[0].number)]


def test_an_agent_logging_in_an_organisation_she_does_not_serve_learns_nothing_of_its_references(
    agent_api, agent_user
):
    """An agent of Globex who serves only Acme, logging for herself (an incident of Globex),
    was told 409 for a reference a Globex incident holds and 201 for one none holds: an
    oracle on Globex's references. Both are now the same 422 naming external_id, nothing
    written."""
    acme, globex = factories.OrganisationFactory(), factories.OrganisationFactory()
    factories.requester(username="gus", organisation=globex)
    body = {"title": "Globex VPN", "caller": "gus", "external_id": "G-1"}
    assert agent_api.post("/api/v1/incidents", body).status_code == 201
    limited = factories.agent(username="limited", organisation=globex)
    limited.served_organisations.set([acme])
    api = api_client_for(limited)
    answers = []
    for sent in (
        {"external_id": "G-1"},
        {"external_id": "G-2"},
        {"external_id": "G-1", "caller": "limited"},
    ):
        response = api.post("/api/v1/incidents", {"title": "Mine", **sent})
        assert response.status_code == 422, response.content
        error = response.json()["error"]
        answers.append((error["code"], error["fields"]))
        assert "Globex" not in response.content.decode()
    assert answers[0] == answers[1] == answers[2]
    assert list(answers[0][1]) == ["external_id"]
    assert Incident.objects.count() == 1
    # without a reference she may not log there either (tests/incidents/
    # test_unserved_organisation.py): the incident would be one she cannot read
    plain = api.post("/api/v1/incidents", {"title": "Mine"})
    assert (plain.status_code, list(plain.json()["error"]["fields"])) == (422, ["caller"])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_creates_racing_in_one_organisation_make_one_incident(customers):
    from steward.incidents.services import incident_create

    assert settings.IS_POSTGRES
    acme, globex, agents = customers
    held = incident_create(
        as_actor(agents["globex-agent"]), title="Globex's", caller="gus", external_id="RACE"
    )
    racers = [agents["acme-agent"], factories.agent(username="acme-2")]
    racers[1].served_organisations.set([acme])
    barrier, outcomes = threading.Barrier(2), {}

    def create(agent) -> None:
        actor = as_actor(agent)
        try:
            barrier.wait()
            incident, created = external.create_or_existing(
                actor,
                lambda **fields: incident_create(actor, **fields),
                {"title": "Race", "caller": "ann", "external_id": "RACE"},
            )
            outcomes[agent.username] = (incident.number, created)
        except Exception as exc:  # noqa: BLE001 - the outcome is the assertion
            outcomes[agent.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(a,)) for a in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    ours = Incident.objects.get(external_id="RACE", organisation=acme)
    assert sorted(outcomes.values(), key=str) == [(ours.number, False), (ours.number, True)]
    assert Incident.objects.filter(external_id="RACE").count() == 2
    assert ours.number != held.number


def test_a_create_with_a_reference_costs_what_it_did(agent_api, customers):
    """Scoped by the caller's organisation inside the look-up's statement: as many
    statements as a create without a reference plus the look-up and the savepoint's two."""

    def statements(body, get=None):
        with CaptureQueriesContext(connection) as queries:
            if get:
                assert agent_api.get(f"/api/v1/incidents/{get}").status_code == 200
            else:
                assert agent_api.post("/api/v1/incidents", body).status_code in (200, 201)
        return len(queries)

    statements({"title": "T", "caller": "gus", "external_id": "S-1"})  # another organisation's
    plain = statements({"title": "T", "caller": "ann"})
    keyed = statements({"title": "T", "caller": "ann", "external_id": "S-1"})
    assert keyed == plain + 3
    number = Incident.objects.get(external_id="S-1", organisation=customers[0]).number
    # the answer of a retry: the look-up, then the incident as a GET shows it
    again = statements({"title": "T", "caller": "ann", "external_id": "S-1"})
    assert again == statements(None, get=number) + 1


def test_a_create_committed_between_the_look_ups_two_reads_is_answered_not_refused(
    customers, monkeypatch
):
    """The PostgreSQL race of CI (2026-12-06): a racing create committed after the visible
    read found nothing and before the existence check found its row; that was answered 409
    "belongs to another incident" though the caller may see it. Its row is read again."""
    from steward.incidents.services import incident_create

    acme, _globex, agents = customers
    actor = as_actor(agents["acme-agent"])
    held = incident_create(actor, title="Acme's", caller="ann", external_id="LATE")
    real, reads = external.selectors.incident_visible, []

    class FirstReadMisses:  # the first read's snapshot is from before the other's commit
        def __init__(self, rows):
            self.rows = rows

        def first(self):
            reads.append(1)
            return None if len(reads) == 1 else self.rows.first()

    class Visible:
        def __init__(self, rows):
            self.rows = rows

        def filter(self, *args, **kwargs):
            return FirstReadMisses(self.rows.filter(*args, **kwargs))

    monkeypatch.setattr(external.selectors, "incident_visible", lambda a: Visible(real(a)))
    assert external._found(actor, "", "LATE", acme.pk) == held
    assert len(reads) == 2
