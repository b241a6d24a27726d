"""Import files and the command: CSV and JSON reading, clear file errors, `steward import`."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from steward.cmdb.imports import import_file
from steward.cmdb.imports.reader import read
from steward.cmdb.models import ConfigurationItem, Relationship
from steward.core.models import AuditEntry

CSV = (
    "ci_class,name,serial_number,fqdn,ip_address,cpu_count,customer_facing\n"
    "server,web01,SN1,web01.example.com,10.0.0.1,4,\n"
    "server,web02,SN2,web02.example.com,10.0.0.2,8,\n"
)


def test_a_csv_file_is_imported_with_cells_typed_by_the_schema(asset_manager):
    report = import_file(asset_manager, CSV.encode(), fmt="csv", source="discovery")

    assert report.ok
    assert report.counts["create"] == 2
    ci = ConfigurationItem.objects.get(name="web02")
    assert ci.attributes == {
        "serial_number": "SN2",
        "fqdn": "web02.example.com",
        "ip_address": "10.0.0.2",
        "cpu_count": 8,
    }


def test_a_byte_order_mark_and_blank_lines_are_fine(asset_manager):
    data = ("\ufeff" + CSV.replace("\nserver,web02", "\n\nserver,web02")).encode()

    report = import_file(asset_manager, data, fmt="csv", source="discovery")

    assert report.ok
    assert [r.row for r in report.rows] == [1, 3]  # row numbers count the blank line


def test_a_latin_1_file_is_a_clear_error_naming_the_line(asset_manager):
    data = "ci_class,name,fqdn\nserver,Müller-PC,m.example.com\n".encode("latin-1")

    report = import_file(asset_manager, data, fmt="csv", source="discovery")

    (error,) = report.errors()
    assert error["field"] == "file"
    assert "not UTF-8" in error["message"]
    assert "line 2" in error["message"]
    assert "0xfc" in error["message"]
    assert not ConfigurationItem.objects.exists()


def test_a_missing_identification_column_is_one_clear_error(asset_manager):
    data = b"ci_class,name,os\nserver,a,linux\nserver,b,linux\n"

    report = import_file(asset_manager, data, fmt="csv", source="discovery")

    first = report.errors()[0]
    assert first["row"] == 0
    assert first["field"] == "columns"
    assert "external_id, serial_number, fqdn" in first["message"]
    assert not ConfigurationItem.objects.exists()


@pytest.mark.parametrize(
    ("data", "fmt", "field", "text"),
    [
        (b'{"cis": [', "json", "file", "not valid JSON"),
        (b'{"things": []}', "json", "file", "expected"),
        (b'{"cis": [1, 2]}', "json", "cis", "list of objects"),
        (b"ci_class,name,name\nserver,a,b\n", "csv", "name", "twice"),
        (b"", "csv", "file", "empty"),
    ],
    ids=["broken-json", "wrong-shape", "not-objects", "repeated-column", "empty"],
)
def test_unreadable_files_are_reported_not_raised(asset_manager, data, fmt, field, text):
    report = import_file(asset_manager, data, fmt=fmt, source="discovery")

    assert not report.ok
    assert report.errors()[0]["field"] == field
    assert text in report.errors()[0]["message"]


def test_a_csv_of_source_type_target_holds_relationships():
    parsed = read(b"source,type,target\nCI0000001,runs_on,CI0000002\n", fmt="csv")

    assert parsed.cis == []
    assert parsed.relationships == [
        {"source": "CI0000001", "type": "runs_on", "target": "CI0000002"}
    ]


def test_a_json_file_carries_cis_and_relationships(asset_manager):
    body = {
        "cis": [
            {"ci_class": "server", "name": "h", "attributes": {"fqdn": "h.example.com"}},
            {"ci_class": "application", "name": "app", "app_id": "A1"},
        ],
        "relationships": [{"source": "A1", "type": "runs_on", "target": "h.example.com"}],
    }

    report = import_file(asset_manager, json.dumps(body).encode(), fmt="json", source="discovery")

    assert report.ok, report.errors()
    assert Relationship.objects.get().source.name == "app"


def test_the_command_dry_run_prints_the_plan_and_writes_nothing(tmp_path, capsys, db):
    path = tmp_path / "servers.csv"
    path.write_text(CSV)

    call_command("import", "cmdb", str(path), "--source", "discovery", "--dry-run")

    out = capsys.readouterr().out
    assert "dry run" in out
    assert "CIs created" in out
    assert " 2\n" in out
    assert not ConfigurationItem.objects.exists()
    assert not AuditEntry.objects.filter(action="create").exists()


def test_the_command_imports_and_exits_non_zero_on_errors(tmp_path, capsys, db):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(CSV)
    bad.write_text("ci_class,name,fqdn,cpu_count\nserver,x,x.example.com,many\n")

    call_command("import", "cmdb", str(good), "--source", "discovery")
    with pytest.raises(SystemExit) as exited:
        call_command("import", "cmdb", str(bad), "--source", "discovery")

    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert "row 1: cpu_count: expected a whole number" in captured.err
    assert ConfigurationItem.objects.count() == 2


NUL_FILES = {
    "csv-name": (b"ci_class,name,serial_number,fqdn\nserver,we\x00b,SN1,w.example.com\n", "csv"),
    "json-name": (
        b'{"cis": [{"ci_class": "server", "name": "we\\u0000b", "serial_number": "SN1"}]}',
        "json",
    ),
    "json-key": (b'{"cis": [{"ci_class": "server", "name": "web", "o\\u0000s": "x"}]}', "json"),
    "json-deep": (b'{"cis": [{"ci_class": "server", "name": "web", "os": [["\\u0000"]]}]}', "json"),
}


@pytest.mark.parametrize("key", NUL_FILES)
def test_a_nul_character_is_a_file_error_on_both_databases(asset_manager, key):
    """PostgreSQL's text cannot hold NUL: a CI named with one was a DataError (a 500 on the
    import page) there, and a CI on SQLite."""
    data, fmt = NUL_FILES[key]

    report = import_file(asset_manager, data, fmt=fmt, source="discovery")

    (error,) = report.errors()
    assert "NUL character" in error["message"]
    assert error["field"] == ("file" if fmt == "csv" else "cis")
    assert not ConfigurationItem.objects.exists()


def test_json_nested_deeper_than_the_parser_goes_is_a_file_error(asset_manager):
    data = b'{"cis": [{"ci_class": "server", "name": "a", "x": ' + b"[" * 100_000
    data += b"]" * 100_000 + b"}]}"

    report = import_file(asset_manager, data, fmt="json", source="discovery")

    (error,) = report.errors()
    assert error == {"row": 0, "field": "file", "message": "not valid JSON: nested too deeply"}
