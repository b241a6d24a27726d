"""Per-attribute source precedence: who set a value last, and who may overwrite it."""

from __future__ import annotations

from steward.cmdb.imports import import_cis
from steward.cmdb.models import ConfigurationItem, ImportSource
from steward.cmdb.services import ci_update
from tests import factories
from tests.cmdb.conftest import make_ci


def _server(**values):
    return {"ci_class": "server", "name": "web01", "fqdn": "web01.example.com", **values}


def test_an_import_records_its_source_on_every_value_it_sets(asset_manager):
    report = import_cis(asset_manager, [_server(ip_address="10.0.0.1")], source="discovery")

    ci = ConfigurationItem.objects.get(number=report.rows[0].number)
    assert ci.attribute_sources == {
        "name": "discovery",
        "fqdn": "discovery",
        "ip_address": "discovery",
    }


def test_a_manual_edit_is_owned_by_manual(asset_manager):
    ci = make_ci("server", attributes={"fqdn": "a.example.com"})
    team = factories.TeamFactory()

    ci_update(
        asset_manager,
        number=ci.number,
        expected_version=None,
        changes={
            "owner_team": team.slug,
            "attributes": {"os": "linux"},
        },
    )

    ci.refresh_from_db()
    assert ci.attribute_sources["owner_team"] == "manual"
    assert ci.attribute_sources["os"] == "manual"


def test_discovery_does_not_overwrite_the_owner_team_people_set(asset_manager):
    people, other = factories.TeamFactory(), factories.TeamFactory()
    ci = make_ci("server", name="web01", attributes={"fqdn": "web01.example.com"})
    ci_update(
        asset_manager, number=ci.number, expected_version=None, changes={"owner_team": people.slug}
    )

    report = import_cis(
        asset_manager, [_server(owner_team=other.slug, os="linux")], source="discovery"
    )

    (row,) = report.rows
    assert row.action == "update"
    assert "owner_team" in row.skipped
    assert "manual" in row.skipped["owner_team"]
    assert list(row.changes) == ["os"]
    ci.refresh_from_db()
    assert ci.owner_team == people
    assert ci.attributes["os"] == "linux"
    assert report.counts["skipped_values"] == 1


def test_discovery_overwrites_an_ip_address_people_typed(asset_manager):
    ci = make_ci("server", name="web01", attributes={"fqdn": "web01.example.com"})
    ci_update(
        asset_manager,
        number=ci.number,
        expected_version=None,
        changes={"attributes": {"ip_address": "10.0.0.9"}},
    )

    report = import_cis(asset_manager, [_server(ip_address="10.0.0.1")], source="discovery")

    assert report.rows[0].changes == {"ip_address": ["10.0.0.9", "10.0.0.1"]}
    ci.refresh_from_db()
    assert ci.attributes["ip_address"] == "10.0.0.1"
    assert ci.attribute_sources["ip_address"] == "discovery"


def test_a_lower_source_keeps_off_what_discovery_owns(asset_manager):
    import_cis(asset_manager, [_server(ip_address="10.0.0.1", os="linux")], source="discovery")

    report = import_cis(
        asset_manager, [_server(ip_address="10.9.9.9", os="windows")], source="spreadsheet"
    )

    (row,) = report.rows
    assert row.action == "unchanged"
    assert set(row.skipped) == {"ip_address", "os"}
    ci = ConfigurationItem.objects.get()
    assert (ci.attributes["ip_address"], ci.attributes["os"]) == ("10.0.0.1", "linux")
    assert ci.version == 1


def test_precedence_is_data_an_administrator_can_change(asset_manager):
    import_cis(asset_manager, [_server(os="linux")], source="discovery")
    ImportSource.objects.filter(name="spreadsheet").update(attribute_precedence={"os": 200})

    report = import_cis(asset_manager, [_server(os="aix")], source="spreadsheet")

    assert report.rows[0].changes == {"os": ["linux", "aix"]}


def test_equal_precedence_means_the_latest_source_wins(asset_manager):
    ImportSource.objects.create(name="cloud-scan", label="Cloud scan", precedence=40)
    import_cis(asset_manager, [_server(cpu_count=4)], source="spreadsheet")

    report = import_cis(asset_manager, [_server(cpu_count=8)], source="cloud-scan")

    assert report.rows[0].changes == {"cpu_count": [4, 8]}
    assert ConfigurationItem.objects.get().attribute_sources["cpu_count"] == "cloud-scan"
