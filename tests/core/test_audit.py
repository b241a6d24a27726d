"""The audit log is append-only, in the database itself."""

import pytest
from django.db import DatabaseError, transaction

from steward.core.models import AuditEntry
from steward.core.services import team_create

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_updated_or_deleted(admin_actor):
    team_create(admin_actor, name="Network")
    entry = AuditEntry.objects.latest("id")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_label="someone else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "root"


def test_audit_is_written_in_the_same_transaction(admin_actor):
    def create_then_fail():
        with transaction.atomic():
            team_create(admin_actor, name="Network")
            raise RuntimeError("the caller's transaction fails after the service")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("fields", [["name"], ["name", "slug", "organisation", "lead"]])
def test_snapshots_recorded_in_one_pass_equal_record_created_many(admin_actor, fields):
    """``record_created_snapshots`` (decision 0052) writes the entries ``record_created_many``
    writes with ``snapshot``: every field, foreign keys as ids."""
    from steward.core import audit
    from steward.core.models import Organisation, Team

    org = Organisation.objects.create(name="Acme", slug="acme")
    teams = [
        Team.objects.create(name="Network", slug="network", organisation=org),
        Team.objects.create(name="Desk", slug="desk"),
    ]
    audit.record_created_many(admin_actor, teams, lambda t: audit.snapshot(t, fields))
    audit.record_created_snapshots(admin_actor, teams, fields)

    entries = list(AuditEntry.objects.filter(action="create").order_by("-id")[:4])[::-1]
    shown = [(e.object_id, e.object_repr, e.actor_id, e.changes) for e in entries]
    assert shown[2:] == shown[:2]
    # (PostgreSQL's jsonb keeps its own key order: the keys, not their order)
    assert [sorted(e.changes) for e in entries[2:]] == [sorted(fields)] * 2
    if "organisation" in fields:
        assert entries[2].changes["organisation"] == [None, org.pk]
        assert entries[2].changes["lead"] == [None, None]


def test_a_created_entrys_changes_text_is_json_dumps_of_its_snapshot(admin_actor):
    """``record_created_texts`` (decision 0080) writes each entry's changes as the text
    ``json.dumps`` gives for ``record_created_snapshots``' dict: strings with quotes,
    backslashes, control, non-ASCII and astral characters, choices members, big ints,
    booleans, None, floats, times; on SQLite that text is the column's, byte for byte."""
    import datetime as dt
    import json
    import zoneinfo

    from django.db import connection

    from steward.core import audit
    from steward.core.choices import AuditAction

    class Row:
        _meta = AuditEntry._meta  # any model: the entry only names it
        pk = 7

    values = [
        'a "quoted" \\ back\tslash\n',
        "caf\u00e9 \u2603 \U0001f4e7 \x01",
        AuditAction.CREATE,
        2**70,
        -3,
        True,
        False,
        None,
        1.5,
        dt.datetime(2026, 3, 6, 7, 30, 1, 5, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")),
        dt.datetime(2026, 3, 6, 7, 30),
        dt.date(2026, 3, 6),
        "",
    ]
    fields = [f"f{k}" for k in range(len(values))]
    expected = json.dumps({f: [None, audit._plain(v)] for f, v in zip(fields, values, strict=True)})
    row = Row()
    for f, v in zip(fields, values, strict=True):
        setattr(row, f, v)
    audit._attrs.update({(Row, f): f for f in fields})
    pairs = zip(fields, values, strict=True)
    text = "{" + ", ".join(f'"{f}": [null, {audit._json(v)}]' for f, v in pairs) + "}"
    assert text == expected

    audit.record_created_texts(admin_actor, [row], fields)
    entry = AuditEntry.objects.latest("id")
    assert entry.changes == json.loads(expected)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT changes FROM core_auditentry WHERE id = %s", [entry.pk])
            assert cursor.fetchone()[0] == expected
