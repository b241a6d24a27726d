"""The import's faster reads and writes give what the ORM paths they replace gave, on both
databases: the candidates' rows (``sql.values_in``), the ``IN``/``ANY`` lookups, and the
rows a first import writes."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from steward.cmdb import selectors
from steward.cmdb.choices import CIStatus, Criticality
from steward.cmdb.imports import import_cis, sql
from steward.cmdb.imports.apply import _create_changes
from steward.cmdb.imports.candidates import COLUMNS
from steward.cmdb.imports.context import identifiers_in
from steward.cmdb.models import CI_FIELDS, CIIdentifier, ConfigurationItem
from steward.cmdb.services.cis import AUDITED
from steward.cmdb.services.identity import normalise
from steward.core.models import AuditEntry
from tests import factories
from tests.cmdb.conftest import make_ci


def _estate(asset_manager):
    home, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    asset_manager.user.served_organisations.set([home])
    cis = [
        make_ci("server", organisation=home.slug, attributes={"fqdn": "a.example.com"}),
        make_ci("server", organisation=other.slug, attributes={"fqdn": "b.example.com"}),
        make_ci("server", attributes={"fqdn": "c.example.com", "cpu_count": 4, "os": "linux"}),
        make_ci("application", organisation=home.slug, description="with 'quotes' and é"),
    ]
    return cis


def test_values_in_reads_what_the_orm_reads_with_the_same_scope(asset_manager):
    cis = _estate(asset_manager)
    ids = [ci.pk for ci in cis] + [10**9]  # and an id that does not exist
    visible = selectors.ci_visible(asset_manager)

    expected = sorted(visible.filter(id__in=ids).values(*COLUMNS), key=lambda r: r["id"])
    got = sorted(sql.values_in(visible, COLUMNS, ids), key=lambda r: r["id"])

    assert len(got) == 3  # the other organisation's CI is out of scope
    assert got == expected
    assert all(isinstance(r["attributes"], dict) for r in got)


def test_values_in_keeps_the_querysets_lock(asset_manager):
    cis = _estate(asset_manager)
    visible = selectors.ci_visible(asset_manager).select_for_update(of=("self",))

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        got = sql.values_in(visible, ("id", "number"), [ci.pk for ci in cis])

    assert {r["id"] for r in got} == {cis[0].pk, cis[2].pk, cis[3].pk}
    (query,) = [q["sql"] for q in queries.captured_queries if "number" in q["sql"]]
    assert ("FOR UPDATE" in query) == connection.features.has_select_for_update


def test_select_in_finds_every_value_given_as_in_or_any(asset_manager):
    cis = [make_ci("server", attributes={"fqdn": f"h{i}.example.com"}) for i in range(3)]
    numbers = [ci.number for ci in cis] + ["CI9999999"]

    found = dict(sql.select_in(ConfigurationItem, ("number", "id"), {}, "number", numbers))

    assert found == {ci.number: ci.pk for ci in cis}
    assert sql.select_in(ConfigurationItem, ("number", "id"), {}, "number", []) == []
    fqdn = CIIdentifier.objects.filter(key="fqdn").values_list("family_id", flat=True).first()
    by_value = sql.select_in(
        CIIdentifier, ("value", "ci"), {"family": fqdn, "key": "fqdn"}, "value", ["h1.example.com"]
    )
    assert by_value == [("h1.example.com", cis[1].pk)]


def test_the_create_changes_text_is_json_dumps_of_the_audit_dict():
    snapshot = {n: None for n in AUDITED if n != "attributes"} | {
        "name": 'srv "quoted" é \\ back',
        "number": "CI0000001",
        "criticality": 2,
    }
    attributes = {"fqdn": "a.example.com", "cpu_count": 4, "virtual": True, "note": "ü\n"}

    text = _create_changes(snapshot, json.dumps(attributes))

    assert text == json.dumps(
        {n: [None, (snapshot | {"attributes": attributes})[n]] for n in AUDITED}
    )


def _audited(ci: ConfigurationItem) -> dict:
    """What the import wrote before it spliced JSON text: ``{n: [None, value]}`` with foreign
    keys as ids (``audit.record``'s shape)."""
    return {n: [None, getattr(ci, ConfigurationItem._meta.get_field(n).attname)] for n in AUDITED}


def test_a_first_import_writes_the_rows_the_dict_path_wrote(asset_manager):
    team = factories.TeamFactory()
    rows = [
        {
            "ci_class": "server",
            "name": f"srv-é-{i}",
            "external_id": f"ext-{i}",
            "fqdn": f"s{i}.example.com",
            "serial_number": f"SN{i}",
            "cpu_count": str(2 + i),
            "os": "linux",
            **({"owner_team": team.slug, "criticality": "2"} if i % 2 else {}),
            **({"description": 'with "quotes"\nand a line'} if i == 3 else {}),
        }
        for i in range(6)
    ]

    report = import_cis(asset_manager, rows, source="discovery")

    assert report.applied
    cis = {ci.pk: ci for ci in ConfigurationItem.objects.filter(name__startswith="srv-é-")}
    assert len(cis) == 6
    for ci in cis.values():
        source_row = rows[int(ci.name.rsplit("-", 1)[1])]
        fields = [k for k in source_row if k in CI_FIELDS]
        attributes = [k for k in source_row if k in ci.attributes]
        assert set(fields) | set(attributes) == set(source_row) - {"ci_class", "external_id"}
        assert ci.attribute_sources == dict.fromkeys(
            [*fields, *(["organisation"] if ci.organisation_id else []), *attributes], "discovery"
        )
    entries = AuditEntry.objects.filter(
        action="create", content_type__model="configurationitem", object_id__in=map(str, cis)
    )
    assert len(entries) == 6
    for entry in entries:
        ci = cis[int(entry.object_id)]
        assert entry.changes == _audited(ci)
        assert entry.object_repr == f"{ci.number} {ci.name}"
        assert entry.actor_id == asset_manager.user.pk
    if connection.vendor == "sqlite":  # the stored text itself, as the adapter wrote it
        marks = ", ".join(["%s"] * len(cis))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT object_id, changes FROM core_auditentry WHERE action = 'create'"
                f" AND object_id IN ({marks})",  # noqa: S608 - placeholders only
                [str(pk) for pk in cis],
            )
            for object_id, text in cursor.fetchall():
                assert text == json.dumps(_audited(cis[int(object_id)]))
            cursor.execute(
                f"SELECT id, attributes FROM cmdb_configurationitem WHERE id IN ({marks})",  # noqa: S608
                list(cis),
            )
            for pk, text in cursor.fetchall():
                assert text == json.dumps(cis[pk].attributes)


def test_an_import_runs_the_same_statements_whatever_its_size(asset_manager):
    def statements(count: int, offset: int) -> tuple[int, int]:
        rows = [
            {"ci_class": "server", "name": f"n{i}", "fqdn": f"n{i}.example.com", "os": "linux"}
            for i in range(offset, offset + count)
        ]
        with CaptureQueriesContext(connection) as first:
            assert import_cis(asset_manager, rows, source="discovery").counts["create"] == count
        with CaptureQueriesContext(connection) as again:
            assert import_cis(asset_manager, rows, source="discovery").counts["unchanged"] == count
        return len(first), len(again)

    statements(1, 0)  # warm: per-process caches (content types)
    assert statements(3, 100) == statements(40, 200)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "plain",
        'quoted "x" and \\ back',
        "é ü 漢字 😀 \u2028 \x00\n\t",
        0,
        -7,
        10**30,
        True,
        False,
        1.5,
        float("1e300"),
        CIStatus.LIVE,
        Criticality.HIGH,
    ],
    ids=repr,
)
def test_the_create_changes_text_writes_every_value_as_json_dumps(value):
    """``_create_changes`` writes str, int and None itself: the same text as ``json.dumps``
    for those and for every other type (bools, floats, choices) it hands on."""
    snapshot = {n: value for n in AUDITED if n != "attributes"}
    attributes = {"fqdn": "a.example.com"}

    text = _create_changes(snapshot, json.dumps(attributes))

    assert text == json.dumps(
        {n: [None, (snapshot | {"attributes": attributes})[n]] for n in AUDITED}
    )


@pytest.mark.parametrize(
    "value",
    [" Host.Example.COM ", "", "   ", "x" * 1500, 42, True, None, ["a"], 1.5, "ÄÖ"],
    ids=repr,
)
def test_identifiers_in_normalises_as_identity_does(value):
    keys = ["serial_number", "fqdn"]
    values = {"fqdn": value, "serial_number": "SN-1", "os": "linux"}

    expected = {k: normalise(values[k]) for k in keys if normalise(values.get(k)) is not None}

    assert identifiers_in(keys, values) == expected
    assert list(identifiers_in(keys, values)) == list(expected)  # in key order


def test_values_in_decodes_a_shared_json_column_once_per_text_to_the_same_values(
    asset_manager,
):
    cis = _estate(asset_manager)
    owners = {"fqdn": "discovery", "name": "discovery"}  # and one text of the same length:
    for ci in cis:
        ci.attribute_sources = dict(owners)
        ci.save(update_fields=["attribute_sources"])
    cis[2].attribute_sources = {"fqdn": "inventory", "name": "discovery"}
    cis[2].save(update_fields=["attribute_sources"])
    visible = selectors.ci_visible(asset_manager)
    ids = [ci.pk for ci in cis]

    expected = sorted(visible.filter(id__in=ids).values(*COLUMNS), key=lambda r: r["id"])
    got = sorted(
        sql.values_in(visible, COLUMNS, ids, shared=("attribute_sources",)),
        key=lambda r: r["id"],
    )

    assert got == expected
    other = {"fqdn": "inventory", "name": "discovery"}
    assert [r["attribute_sources"] for r in got] == [owners, other, owners]


def test_a_rerun_after_a_precedence_change_updates_each_ci_on_its_own_owners(asset_manager):
    """CIs whose ``attribute_sources`` were decoded into one shared value: an update of one
    writes its own owners and leaves the others' as they were."""
    rows = [
        {"ci_class": "server", "name": f"own-{i}", "fqdn": f"own{i}.example.com", "os": "linux"}
        for i in range(3)
    ]
    assert import_cis(asset_manager, rows, source="discovery").applied
    base = ConfigurationItem.objects.get(name="own-0").attribute_sources
    assert set(base) >= {"name", "fqdn", "os"}
    # the first row claims a new attribute, the third changes one it owns already
    changed = [dict(rows[0], cpu_count="8"), rows[1], dict(rows[2], os="aix")]

    report = import_cis(asset_manager, changed, source="discovery")

    assert report.counts["update"] == 2
    found = {ci.name: ci for ci in ConfigurationItem.objects.filter(name__startswith="own-")}
    assert found["own-0"].attribute_sources == base | {"cpu_count": "discovery"}
    assert found["own-1"].attribute_sources == base
    assert found["own-2"].attribute_sources == base
    assert found["own-2"].attributes["os"] == "aix"
