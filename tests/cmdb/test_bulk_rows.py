"""The bulk path's plain rows (decision 0048) equal what the single services write, and a
bulk call's statement count does not grow with its size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.cmdb import services
from steward.cmdb.models import CIIdentifier, ConfigurationItem, Relationship
from steward.cmdb.selectors.history import LINK
from steward.cmdb.services.bulk import CI_COLUMNS, cis_import, relationships_import
from steward.core.models import AuditEntry, OutboxMessage
from tests import factories
from tests.cmdb.conftest import SYSTEM

# what a row's own identity, time or allocation makes differ between two CIs of one content
OWN = {"id", "number", "created_at", "updated_at"}
ATTRIBUTES = {"fqdn": "Web01.Example.org", "serial_number": "SN-1", "cpu_count": 8, "os": "linux"}


def _row(ci: ConfigurationItem) -> dict:
    return {f.attname: getattr(ci, f.attname) for f in ConfigurationItem._meta.concrete_fields}


def _entries(model: str, pk: int) -> list[AuditEntry]:
    # oldest first: the tests take the newest as [-1], and PostgreSQL keeps no row order
    return list(
        AuditEntry.objects.filter(content_type__model=model, object_id=str(pk)).order_by("id")
    )


def _identifiers(ci: ConfigurationItem) -> set[tuple]:
    return set(CIIdentifier.objects.filter(ci=ci).values_list("family", "key", "value"))


def test_the_bulk_rows_name_every_ci_column():
    assert set(CI_COLUMNS) == {f.name for f in ConfigurationItem._meta.concrete_fields}


def test_an_imported_ci_equals_one_created_by_the_service(db):
    team = factories.TeamFactory(slug="ops")
    given = {"ci_class": "server", "status": "planned", "criticality": 2, "owner_team": "ops"}
    given |= {"description": "rack 4", "software_version": "9.1", "environment": "test"}
    single = services.ci_create(SYSTEM, name="web01", attributes=ATTRIBUTES, **given)
    (bulk,) = cis_import(SYSTEM, [{"name": "web01", "attributes": ATTRIBUTES, **given}])

    stored = {ci.pk: _row(ci) for ci in ConfigurationItem.objects.all()}
    assert _row(bulk) == stored[bulk.pk]  # the returned CI is the row written
    one, many = stored[single.pk], stored[bulk.pk]
    # the single create claims what people set for "manual"; the bulk path never did
    claimed = [n for n in given if n != "ci_class"] + ["name", *ATTRIBUTES]
    assert one.pop("attribute_sources") == dict.fromkeys(claimed, "manual")
    assert many.pop("attribute_sources") == {}
    assert {k: v for k, v in one.items() if k not in OWN} == {
        k: v for k, v in many.items() if k not in OWN
    }
    assert (many["owner_team_id"], many["criticality"], many["version"]) == (team.pk, 2, 1)
    assert _identifiers(single) == _identifiers(bulk) != set()

    (a,), (b,) = _entries("configurationitem", single.pk), _entries("configurationitem", bulk.pk)
    assert b.changes.pop("number") == [None, bulk.number]
    assert a.changes.pop("number") == [None, single.number]
    assert a.changes == b.changes
    same = ("action", "actor_id", "actor_label", "channel", "request_id", "content_type_id")
    assert [getattr(a, n) for n in same] == [getattr(b, n) for n in same]
    assert (a.object_repr, b.object_repr) == (str(single), str(bulk))
    # events: one per created CI from the service, one per thousand from the bulk path
    events = {m.topic: m for m in OutboxMessage.objects.all()}
    assert events["ci.created"].payload == {"number": single.number, "ci_class": "server"}
    assert events["cis.imported"].payload == {"ids": [bulk.pk]}
    assert events["cis.imported"].object_id == str(bulk.pk)


def test_an_imported_relationship_equals_one_created_by_the_service(db):
    cis = cis_import(SYSTEM, [{"name": f"ci{n}", "ci_class": "server"} for n in range(4)])
    single = services.relationship_create(
        SYSTEM, source=cis[0].number, target=cis[1].number, type="runs_on"
    )
    (bulk,) = relationships_import(SYSTEM, [(cis[2], cis[3], "runs_on")])

    stored = Relationship.objects.get(pk=bulk.pk)
    assert (stored.source_id, stored.target_id, stored.type.slug) == (
        cis[2].pk,
        cis[3].pk,
        "runs_on",
    )
    assert (bulk.source, bulk.target) == (cis[2], cis[3])  # the objects held: no query
    assert bulk.source is cis[2]
    assert bulk.type == stored.type
    assert stored.created_at == bulk.created_at

    def entries(rel: Relationship, source: ConfigurationItem, target: ConfigurationItem):
        """The entry on the relationship, then the newest on each end, beside what they
        must hold for it."""
        link = {"id": rel.pk, "type": "runs_on", "source": source.number, "target": target.number}
        changes = {"source": [None, source.number], "target": [None, target.number]}
        found = [_entries("relationship", rel.pk)[0]]
        found += [_entries("configurationitem", ci.pk)[-1] for ci in (source, target)]
        wanted = [(str(rel), changes | {"type": [None, "runs_on"]})]
        wanted += [(str(ci), {LINK: [None, link]}) for ci in (source, target)]
        return found, wanted

    one, wanted_one = entries(single, *cis[:2])
    many, wanted_many = entries(bulk, *cis[2:])
    assert [(e.object_repr, e.changes) for e in one] == wanted_one
    assert [(e.object_repr, e.changes) for e in many] == wanted_many
    same = ("action", "content_type_id", "actor_id", "actor_label", "channel", "request_id")
    assert [[getattr(e, n) for n in same] for e in one] == [
        [getattr(e, n) for n in same] for e in many
    ]
    # the service emits an event per relationship; the bulk path never did (the CSV import
    # emits its own ``relationships.imported``)
    assert OutboxMessage.objects.filter(topic="relationship.created").count() == 1
    assert not OutboxMessage.objects.filter(object_type="cmdb.relationship").exclude(
        topic="relationship.created"
    )


@pytest.mark.parametrize(("small", "large"), [(3, 150)])
def test_a_bulk_call_runs_the_same_statements_whatever_its_size(db, small, large):
    def statements(count: int, start: int) -> tuple[int, int]:
        rows = [{"name": f"s{start + n}", "ci_class": "server"} for n in range(count)]
        with CaptureQueriesContext(connection) as made:
            cis = cis_import(SYSTEM, rows)
        pairs = [(cis[n], cis[n + 1], "runs_on") for n in range(count - 1)]
        with CaptureQueriesContext(connection) as linked:
            relationships_import(SYSTEM, pairs)
        return len(made), len(linked)

    statements(2, 0)  # first compiles and caches are filled before counting
    assert statements(small, 1000) == statements(large, 2000)
    # (SQLite shows every statement; PostgreSQL's COPY runs on the driver's cursor, unseen)
    created = sum(cis + (cis - 1) for cis in (2, small, large))  # CIs and their chain links
    assert AuditEntry.objects.filter(action="create").count() == created
