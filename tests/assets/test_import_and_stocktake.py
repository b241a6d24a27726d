"""CSV import (dry run, per-row errors, all or nothing) and stock-taking."""

import pytest

from steward.assets import selectors, services
from steward.assets.models import Asset
from steward.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

HEADER = "asset_tag,serial_number,manufacturer,model,cost,stock_room\n"


def test_a_dry_run_writes_nothing_then_apply_creates(manager, catalogue):
    data = (
        HEADER + "A-1,S-1,Dell,Latitude 7440,100.00,main-stock-room\nA-2,S-2,dell,latitude 7440,,\n"
    ).encode()
    seen = []
    report = services.import_asset_file(
        manager, data, dry_run=True, progress=lambda *a: seen.append(a)
    )
    assert report.ok
    assert report.counts["create"] == 2
    assert seen[-1] == (2, 2, "checking")
    assert not Asset.objects.exists()
    report = services.import_asset_file(manager, data)
    assert report.applied
    assert sorted(Asset.objects.values_list("asset_tag", flat=True)) == ["A-1", "A-2"]
    assert all(r.number.startswith("AST") for r in report.rows)


def test_an_unknown_model_is_that_rows_error_and_nothing_is_written(manager, catalogue):
    data = (
        HEADER
        + "A-1,S-1,Dell,Latitude 7440,1,\nA-2,S-2,Dell,Nope 9,1,\nA-3,S-1,Dell,Latitude 7440,-4,\n"
    ).encode()
    report = services.import_asset_file(manager, data)
    assert not report.ok
    assert not report.applied
    assert report.errors() == [
        {"row": 2, "kind": "asset", "field": "model", "message": "no model Dell Nope 9"},
        {
            "row": 3,
            "kind": "asset",
            "field": "serial_number",
            "message": "another asset has this value",
        },
        {"row": 3, "kind": "asset", "field": "cost", "message": "may not be negative"},
    ]
    assert not Asset.objects.exists()


def test_a_file_that_is_not_utf8_is_reported(manager):
    report = services.import_asset_file(manager, b"asset_tag\n\xff\n")
    assert report.file_errors[0]["field"] == "file"


def test_the_web_import_checks_then_applies(client, manager_user, catalogue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager_user)
    upload = SimpleUploadedFile("a.csv", (HEADER + "A-9,S-9,Dell,Latitude 7440,5,\n").encode())
    r = client.post("/assets/import/", {"file": upload})
    assert r.status_code == 200
    assert "Apply a.csv" in r.content.decode()
    assert client.post("/assets/import/apply/").status_code == 200
    assert Asset.objects.filter(asset_tag="A-9").exists()


def test_stock_taking_reports_the_missing(manager, make_asset):
    seen = make_asset(stock_room="main-stock-room")
    missing = make_asset(stock_room="main-stock-room")
    make_asset()  # elsewhere: not expected
    count = services.stock_count_start(manager, stock_room="main-stock-room")
    services.stock_count_scan(manager, count_id=count.pk, tag=seen.asset_tag.lower())
    services.stock_count_scan(manager, count_id=count.pk, tag=seen.asset_tag)  # twice is fine
    with pytest.raises(ValidationFailed):
        services.stock_count_scan(manager, count_id=count.pk, tag="NOPE")
    report = selectors.stock_count_report(manager, count_id=count.pk)
    assert report.expected == 2
    assert [a.pk for a in report.seen] == [seen.pk]
    assert [a.pk for a in report.missing] == [missing.pk]


def test_stock_taking_in_the_browser_by_typing_tags(client, manager_user, make_asset):
    asset = make_asset(stock_room="main-stock-room")
    client.force_login(manager_user)
    r = client.post("/assets/counts/new/", {"stock_room": "main-stock-room"})
    assert r.status_code == 303
    url = r["Location"]
    assert "1 missing" in client.get(url).content.decode()
    assert client.post(f"{url}scan/", {"tag": asset.asset_tag}).status_code == 303
    assert "0 missing" in client.get(url).content.decode()


def test_a_closed_count_takes_no_more_scans(client, manager_user, make_asset):
    asset = make_asset(stock_room="main-stock-room")
    client.force_login(manager_user)
    url = client.post("/assets/counts/new/", {"stock_room": "main-stock-room"})["Location"]
    assert client.post(f"{url}close/").status_code == 303
    assert "Closed." in client.get(url).content.decode()
    assert client.post(f"{url}scan/", {"tag": asset.asset_tag}).status_code == 422


@pytest.fixture
def racer(monkeypatch, system, catalogue):
    """Another write takes a tag or serial of the file after its check and before its
    insert (a second import of the same file committing first): the check saw it free."""
    from steward.assets.services import imports

    def race(**fields):
        checked = imports._Lookups.read_taken

        def then_taken(self, rows):
            checked(self, rows)
            values = {"model": catalogue["laptop"].pk, "status": "in_stock"}
            services.asset_create(system, **{**values, **fields})

        monkeypatch.setattr(imports._Lookups, "read_taken", then_taken)

    return race


@pytest.mark.parametrize(
    ("taken", "field"),
    [
        ({"asset_tag": "a-2", "serial_number": "OTHER"}, "asset_tag"),
        ({"asset_tag": "OTHER", "serial_number": "s-2"}, "serial_number"),
    ],
)
def test_an_import_losing_a_race_for_a_tag_or_serial_reports_the_row(
    manager, catalogue, racer, taken, field
):
    racer(**taken)
    data = (HEADER + "A-1,S-1,Dell,Latitude 7440,1,\nA-2,S-2,Dell,Latitude 7440,1,\n").encode()
    report = services.import_asset_file(manager, data)
    assert not report.ok
    assert not report.applied
    assert report.errors() == [
        {"row": 2, "kind": "asset", "field": field, "message": "another asset has this value"}
    ]
    assert all(r.number == "" for r in report.rows)
    # nothing of the file was written: only the other write's asset
    assert list(Asset.objects.values_list("asset_tag", flat=True)) == [taken["asset_tag"]]


def test_the_web_apply_losing_the_race_is_a_422_naming_row_and_field(
    client, manager_user, catalogue, racer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager_user)
    upload = SimpleUploadedFile("a.csv", (HEADER + "A-9,S-9,Dell,Latitude 7440,5,\n").encode())
    assert client.post("/assets/import/", {"file": upload}).status_code == 200
    racer(asset_tag="A-9", serial_number="OTHER")
    r = client.post("/assets/import/apply/")
    assert r.status_code == 422
    page = r.content.decode()
    assert "asset_tag" in page
    assert "another asset has this value" in page
    assert not Asset.objects.filter(serial_number="S-9").exists()
