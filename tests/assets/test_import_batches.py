"""The CSV import's batched path (decision 0006): across chunk boundaries every asset is
written as a single create would write its columns, with the audit entry and the outbox
events the ORM path wrote; a tag or serial taken in another case is refused as the single
write refuses it; progress is reported per chunk for checking and writing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from steward.assets import services
from steward.assets.models import Asset
from steward.assets.services import imports
from steward.core.models import AuditEntry, Location, OutboxMessage

pytestmark = pytest.mark.django_db
HEADER = (
    "asset_tag,serial_number,manufacturer,model,status,cost,purchase_date,location,"
    "stock_room,holds_data,vendor\n"
)


def csv(count: int, *, start: int = 0) -> bytes:
    lines = [
        f"B-{i},BS-{i},Dell,Latitude 7440,{'on_order' if i % 2 else 'in_stock'},"
        f"{i}.50,2025-02-{i % 28 + 1:02d},{'Batch HQ' if i % 3 else ''},"
        f"{'main-stock-room' if i % 4 == 0 else ''},{'no' if i % 5 == 0 else 'yes'},V{i}\n"
        for i in range(start, start + count)
    ]
    return (HEADER + "".join(lines)).encode()


def test_every_row_across_chunks_is_written_with_its_audit_and_events(
    manager, catalogue, monkeypatch
):
    monkeypatch.setattr(imports, "CHUNK", 4)
    place = Location.objects.create(name="Batch HQ")
    seen = []
    report = services.import_asset_file(manager, csv(10), progress=lambda *a: seen.append(a))
    assert report.applied, report.errors()
    assert [s for s in seen if s[2] == "checking"] == [
        (4, 10, "checking"),
        (8, 10, "checking"),
        (10, 10, "checking"),
    ]
    assert [s for s in seen if s[2] == "writing"] == [
        (4, 10, "writing"),
        (8, 10, "writing"),
        (10, 10, "writing"),
    ]
    assets = {
        a.asset_tag: a for a in Asset.objects.select_related("model", "location", "stock_room")
    }
    assert len(assets) == 10
    assert sorted(r.number for r in report.rows) == sorted(a.number for a in assets.values())
    for i in range(10):
        a = assets[f"B-{i}"]
        assert a.serial_number == f"BS-{i}"
        assert a.model == catalogue["laptop"]
        assert a.status == ("on_order" if i % 2 else "in_stock")
        assert a.cost == Decimal(f"{i}.50")
        assert a.purchase_date == dt.date(2025, 2, i % 28 + 1)
        assert a.location == (place if i % 3 else None)
        assert a.stock_room == (catalogue["room"] if i % 4 == 0 else None)
        assert a.holds_data is (i % 5 != 0)
        assert a.vendor == f"V{i}"
        assert (a.version, a.notes, a.assignee_id, a.organisation_id) == (1, "", None, None)
        assert a.created_at == a.updated_at
        assert a.warranty_end == dt.date(2028, 2, i % 28 + 1)
    # the audit entry audit.record_created_many wrote: one per asset, by the importer
    entries = AuditEntry.objects.filter(content_type__model="asset", action="create")
    assert entries.count() == 10
    for entry in entries:
        asset = Asset.objects.get(pk=int(entry.object_id))
        assert entry.object_repr == str(asset)
        assert entry.changes == {
            "number": [None, asset.number],
            "asset_tag": [None, asset.asset_tag],
        }
        assert entry.actor_id == manager.user.pk
        assert entry.channel == manager.channel
    # one outbox event per written chunk, naming its assets' ids
    events = OutboxMessage.objects.filter(topic="assets.imported").order_by("id")
    ids = [i for e in events for i in e.payload["ids"]]
    assert sorted(ids) == sorted(a.pk for a in assets.values())
    assert events.count() == 3


def test_a_tag_or_serial_taken_in_another_case_is_refused(manager, catalogue, make_asset):
    Location.objects.create(name="Batch HQ")
    make_asset(asset_tag="b-3", serial_number="x-1")
    make_asset(asset_tag="x-2", serial_number="bs-7")
    report = services.import_asset_file(manager, csv(10))
    assert not report.applied
    assert [(e["row"], e["field"]) for e in report.errors()] == [
        (4, "asset_tag"),
        (8, "serial_number"),
    ]
    assert Asset.objects.count() == 2


def test_a_dry_run_over_chunks_writes_nothing(manager, catalogue, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 3)
    Location.objects.create(name="Batch HQ")
    report = services.import_asset_file(manager, csv(7), dry_run=True)
    assert report.ok
    assert report.counts["create"] == 7
    assert not Asset.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="asset").exists()


def test_a_duplicate_within_the_file_in_another_chunk_is_refused(manager, catalogue, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK", 2)
    Location.objects.create(name="Batch HQ")
    data = csv(3) + b"b-1,OTHER,Dell,Latitude 7440,,,,,,,\n"
    report = services.import_asset_file(manager, data)
    assert [(e["row"], e["field"]) for e in report.errors()] == [(4, "asset_tag")]
    assert not Asset.objects.exists()


def test_a_file_with_only_a_header_is_applied_and_writes_nothing(manager, catalogue):
    report = services.import_asset_file(manager, HEADER.encode())
    assert report.ok
    assert report.applied
    assert not Asset.objects.exists()
