"""The import as a whole: dry runs, all-or-nothing batches, idempotent re-runs, bounded
reports, relationships, and who may import."""

from __future__ import annotations

import pytest

from steward.cmdb.imports import import_batch, import_cis, import_relationships
from steward.cmdb.imports.report import MAX_ERRORS
from steward.cmdb.models import CIIdentifier, CISourceId, ConfigurationItem, Relationship
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage
from tests.cmdb.conftest import make_ci

ROWS = [
    {
        "ci_class": "server",
        "name": f"srv{i}",
        "external_id": f"dev-{i}",
        "serial_number": f"SN{i}",
        "fqdn": f"srv{i}.example.com",
        "ip_address": f"10.0.0.{i}",
        "cpu_count": "4",
    }
    for i in range(1, 6)
]


def written() -> dict[str, object]:
    """Everything an import may write, to compare before and after."""
    return {
        "cis": list(ConfigurationItem.objects.order_by("id").values_list("id", "version")),
        "audit": AuditEntry.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "identifiers": CIIdentifier.objects.count(),
        "source_ids": CISourceId.objects.count(),
        "relationships": Relationship.objects.count(),
    }


def test_a_first_run_creates_every_ci_with_audit_and_one_outbox_event(asset_manager):
    report = import_cis(asset_manager, ROWS, source="discovery")

    assert report.ok
    assert report.applied
    assert report.counts["create"] == 5
    cis = ConfigurationItem.objects.order_by("number")
    assert [ci.name for ci in cis] == ["srv1", "srv2", "srv3", "srv4", "srv5"]
    assert cis[0].attributes["cpu_count"] == 4  # a CSV cell typed by the schema
    created = AuditEntry.objects.get(
        action="create", object_id=str(cis[0].pk), content_type__model="configurationitem"
    )
    assert created.changes["name"] == [None, "srv1"]
    assert created.changes["attributes"][1]["fqdn"] == "srv1.example.com"
    assert OutboxMessage.objects.filter(topic="cis.imported").count() == 1
    assert CISourceId.objects.count() == 5
    assert CIIdentifier.objects.count() == 10  # serial number and FQDN of each


def test_the_same_file_twice_writes_nothing_the_second_time(asset_manager):
    import_cis(asset_manager, ROWS, source="discovery")
    before = written()

    report = import_cis(asset_manager, ROWS, source="discovery")

    assert report.counts["unchanged"] == 5
    assert report.counts["create"] == report.counts["update"] == 0
    assert written() == before


def test_an_update_is_audited_with_before_and_after_and_bumps_the_version(asset_manager):
    import_cis(asset_manager, ROWS, source="discovery")
    changed = [dict(ROWS[0], cpu_count="8"), *ROWS[1:]]

    report = import_cis(asset_manager, changed, source="discovery")

    assert report.counts == report.counts | {"update": 1, "unchanged": 4}
    ci = ConfigurationItem.objects.get(name="srv1")
    assert ci.version == 2
    entry = AuditEntry.objects.get(action="update", object_id=str(ci.pk))
    assert entry.changes["attributes"][0]["cpu_count"] == 4
    assert entry.changes["attributes"][1]["cpu_count"] == 8
    assert entry.channel == asset_manager.channel
    assert entry.actor == asset_manager.user
    assert OutboxMessage.objects.filter(topic="cis.updated").count() == 1


def test_a_dry_run_plans_and_writes_nothing(asset_manager):
    import_cis(asset_manager, ROWS[:2], source="discovery")
    before = written()
    rows = [dict(ROWS[0], cpu_count="16"), ROWS[1], ROWS[2], {"ci_class": "server"}]

    report = import_cis(asset_manager, rows, source="discovery", dry_run=True)

    assert written() == before
    assert not report.applied
    actions = {r.row: r.action for r in report.rows}
    assert actions == {1: "update", 2: "unchanged", 3: "create", 4: "error"}
    assert report.rows[0].changes == {"cpu_count": [4, 16]}
    assert report.rows[0].number == ConfigurationItem.objects.get(name="srv1").number


def test_one_bad_row_means_nothing_is_written_and_every_problem_is_listed(asset_manager):
    before = written()
    rows = [
        *ROWS,
        {"ci_class": "server", "name": "x", "fqdn": "x.example.com", "cpu_count": "many"},
        {"ci_class": "toaster", "name": "y"},
        {"ci_class": "server", "name": "z", "fqdn": "z.example.com", "ip_address": "999.1.1.1"},
        {"ci_class": "server", "name": "w", "fqdn": "w.example.com", "owner_team": "nobody"},
    ]

    report = import_cis(asset_manager, rows, source="discovery")

    assert not report.ok
    assert not report.applied
    assert written() == before
    problems = {(e["row"], e["field"]) for e in report.errors()}
    assert problems == {(6, "cpu_count"), (7, "ci_class"), (8, "ip_address"), (9, "owner_team")}
    assert "nothing was imported" in report.summary()


def test_a_new_ci_needs_its_required_attributes_and_a_name(asset_manager):
    report = import_cis(
        asset_manager,
        [{"ci_class": "container", "container_id": "c1"}],
        source="discovery",
    )

    assert {e["field"] for e in report.errors()} == {"image", "name"}
    assert not ConfigurationItem.objects.exists()


def test_a_row_without_any_identification_value_is_an_error(asset_manager):
    report = import_cis(asset_manager, [{"ci_class": "server", "name": "x"}], source="discovery")

    (error,) = report.errors()
    assert error["field"] == "identification"
    assert "serial_number, fqdn" in error["message"]


def test_ten_thousand_malformed_rows_give_a_bounded_report(asset_manager):
    rows = [{"ci_class": "server", "name": f"n{i}", "cpu_count": "x"} for i in range(10_000)]

    report = import_cis(asset_manager, rows, source="discovery")

    assert report.error_count == 20_000  # a bad cpu_count and no identification, each row
    listed = report.as_dict()
    assert len(listed["errors"]) == MAX_ERRORS
    assert len(report.error_fields()) <= MAX_ERRORS
    assert listed["rows_truncated"]
    assert len(listed["rows"]) < 10_000
    assert not ConfigurationItem.objects.exists()


def test_references_in_attributes_must_name_a_ci_of_the_right_class(asset_manager):
    server = make_ci("server", attributes={"fqdn": "db-host.example.com"})
    app = make_ci("application")
    rows = [
        {"ci_class": "database", "name": "db1", "instance_name": "db1", "host": server.number},
        {"ci_class": "database", "name": "db2", "instance_name": "db2", "host": app.number},
        {"ci_class": "database", "name": "db3", "instance_name": "db3", "host": "CI0999999"},
    ]

    report = import_cis(asset_manager, rows, source="discovery", dry_run=True)

    assert [r.action for r in report.rows] == ["create", "error", "error"]
    assert "not a server" in report.rows[1].errors["host"][0]
    assert report.rows[2].errors["host"] == [
        "No configuration item is named “CI0999999”. Check the name or number."
    ]


def test_relationships_may_name_cis_by_number_source_id_or_key_value(asset_manager):
    db = make_ci("database", attributes={"instance_name": "orders-db"})
    rows = [
        {"ci_class": "application", "name": "orders", "app_id": "APP-1", "external_id": "a1"},
        {"ci_class": "server", "name": "h1", "fqdn": "h1.example.com"},
    ]
    links = [
        {"source": "a1", "type": "runs_on", "target": "H1.example.com"},
        {"source": "APP-1", "type": "depends_on", "target": db.number},
    ]

    report = import_batch(asset_manager, cis=rows, relationships=links, source="discovery")

    assert report.ok, report.errors()
    assert report.counts["relationships_create"] == 2
    made = {(r.source.name, r.type.slug, r.target.name) for r in Relationship.objects.all()}
    assert made == {("orders", "runs_on", "h1"), ("orders", "depends_on", db.name)}
    again = import_relationships(asset_manager, links, source="discovery")
    assert again.counts["relationships_unchanged"] == 2
    assert Relationship.objects.count() == 2


def test_bad_relationship_rows_are_errors_and_stop_the_batch(asset_manager):
    a = make_ci("server", attributes={"fqdn": "a.example.com"})
    links = [
        {"source": a.number, "type": "runs_on", "target": a.number},
        {"source": a.number, "type": "loves", "target": "a.example.com"},
        {"source": "nowhere", "type": "runs_on", "target": a.number},
    ]

    report = import_relationships(asset_manager, links, source="discovery")

    fields = {(e["row"], e["field"]) for e in report.errors()}
    assert fields == {(1, "target"), (2, "type"), (3, "source")}
    assert report.rows[2].errors["source"] == [
        "No configuration item is named “nowhere”. Check the name or number."
    ]
    assert not Relationship.objects.exists()


@pytest.mark.parametrize(
    ("source", "message"),
    [("nmap", "no import source 'nmap'"), ("manual", "people's edits")],
    ids=["unknown", "manual"],
)
def test_the_source_must_be_a_registered_import_source(asset_manager, source, message):
    with pytest.raises(ValidationFailed) as caught:
        import_cis(asset_manager, ROWS, source=source)

    assert message in caught.value.fields["source"][0]
    assert not ConfigurationItem.objects.exists()


@pytest.mark.django_db  # its actor fixture, asked for by name, needs the database
@pytest.mark.parametrize("who", ["agent", "requester"])
def test_only_administrators_and_asset_managers_import(request, who):
    actor = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        import_cis(actor, ROWS, source="discovery", dry_run=True)

    assert not ConfigurationItem.objects.exists()


def test_an_administrator_may_import(admin):
    assert import_cis(admin, ROWS[:1], source="discovery").counts["create"] == 1
