"""``steward import assets FILE``: the web import's service from the command line, with its
per-row errors, a dry run that writes nothing, a progress bar, and exit status 1 when a
row is refused (then nothing is written)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from steward.assets.models import Asset
from steward.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "asset_tag,serial_number,manufacturer,model,status,cost,stock_room\n"
GOOD = HEADER + (
    "CLI-1,CLI-S1,Dell,Latitude 7440,in_stock,1200.00,main-stock-room\n"
    "CLI-2,CLI-S2,HPE,DL380,on_order,9000,\n"
)


def test_a_dry_run_prints_the_plan_and_writes_nothing(tmp_path, capsys, catalogue):
    path = tmp_path / "assets.csv"
    path.write_text(GOOD)

    call_command("import", "assets", str(path), "--dry-run")

    captured = capsys.readouterr()
    assert "dry run" in captured.out
    assert "assets to create           " in captured.out
    assert "2 assets, 0 errors (would be created)." in captured.out
    assert "checking  [" in captured.err  # the progress bar
    assert not Asset.objects.exists()
    assert not AuditEntry.objects.filter(action="create", object_repr__startswith="AST").exists()


def test_the_command_imports_through_the_web_imports_service(tmp_path, capsys, catalogue):
    path = tmp_path / "assets.csv"
    path.write_text(GOOD)

    call_command("import", "assets", str(path))

    assert "2 assets, 0 errors (were created)." in capsys.readouterr().out
    assert sorted(Asset.objects.values_list("asset_tag", "status")) == [
        ("CLI-1", "in_stock"),
        ("CLI-2", "on_order"),
    ]
    assert Asset.objects.get(asset_tag="CLI-1").stock_room.slug == "main-stock-room"


def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, capsys, catalogue):
    path = tmp_path / "bad.csv"
    path.write_text(
        GOOD + "CLI-3,CLI-S3,Acme,Nope,in_stock,-5,\nCLI-1,CLI-S4,Dell,Latitude 7440,,,\n"
    )

    with pytest.raises(SystemExit) as exited:
        call_command("import", "assets", str(path))

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "row 3: model: no model Acme Nope" in err
    assert "row 3: cost: may not be negative" in err
    assert "row 4: asset_tag: another asset has this value" in err
    assert not Asset.objects.exists()


def test_the_command_acts_as_the_named_user(tmp_path, catalogue):
    path = tmp_path / "assets.csv"
    path.write_text(GOOD)
    factories.agent(username="not-a-manager")
    with pytest.raises(CommandError, match="no active user 'ghost'"):
        call_command("import", "assets", str(path), "--user", "ghost")
    with pytest.raises(CommandError):  # an agent who is no asset manager may not write
        call_command("import", "assets", str(path), "--user", "not-a-manager")
    assert not Asset.objects.exists()
    with pytest.raises(CommandError, match="no file"):
        call_command("import", "assets", str(tmp_path / "absent.csv"))


def test_the_cmdb_kind_still_answers(tmp_path, capsys, db):
    path = tmp_path / "servers.csv"
    path.write_text("ci_class,name,serial_number\nserver,cli-host,SN-CLI-1\n")
    call_command("import", "cmdb", str(path), "--source", "discovery", "--dry-run")
    assert "CIs created" in capsys.readouterr().out
