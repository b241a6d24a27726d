"""Import identification: each rule, the source's own ids, conflicts, in-batch duplicates."""

from __future__ import annotations

import pytest

from steward.cmdb.imports import import_cis
from steward.cmdb.models import CIIdentifier, CISourceId, ConfigurationItem
from tests.cmdb.conftest import make_ci

SOURCE = "discovery"


def server(**attributes):
    return {"ci_class": "server", "name": attributes.pop("name", "srv"), **attributes}


def only(report):
    (row,) = report.rows
    return row


@pytest.mark.parametrize(
    ("stored", "row"),
    [
        ({"serial_number": "SN-1"}, {"serial_number": "sn-1 "}),
        ({"fqdn": "web01.example.com"}, {"fqdn": "WEB01.example.com"}),
    ],
    ids=["serial_number", "fqdn"],
)
def test_a_row_matches_an_existing_server_on_each_identification_key(asset_manager, stored, row):
    ci = make_ci("server", attributes=stored)

    report = import_cis(asset_manager, [server(os="linux", **row)], source=SOURCE)

    result = only(report)
    assert (result.action, result.number) == ("update", ci.number)
    assert result.matched_on == next(iter(row))
    ci.refresh_from_db()
    assert ci.attributes["os"] == "linux"
    assert ci.version == 2
    assert ConfigurationItem.objects.count() == 1


def test_asset_tag_style_keys_of_other_classes_match_too(asset_manager):
    switch = make_ci(
        "network_device", attributes={"device_type": "switch", "serial_number": "FOC1"}
    )

    report = import_cis(
        asset_manager,
        [{"ci_class": "network_device", "serial_number": "FOC1", "model": "C9300"}],
        source=SOURCE,
    )

    assert (only(report).action, only(report).number) == ("update", switch.number)


def test_a_vm_and_a_server_share_a_family_so_their_fqdns_meet(asset_manager):
    vm = make_ci("virtual_machine", attributes={"fqdn": "vm1.example.com"})

    report = import_cis(asset_manager, [server(fqdn="vm1.example.com")], source=SOURCE)

    assert only(report).action == "conflict"
    assert "virtual_machine" in only(report).message
    assert ConfigurationItem.objects.count() == 1
    assert vm.number in only(report).message


def test_the_source_id_matches_even_after_the_keys_changed(asset_manager):
    first = import_cis(
        asset_manager,
        [server(name="a", external_id="dev-1", fqdn="old.example.com")],
        source=SOURCE,
    )
    number = only(first).number

    second = import_cis(
        asset_manager,
        [server(name="a", external_id="dev-1", fqdn="new.example.com")],
        source=SOURCE,
    )

    assert (only(second).action, only(second).number) == ("update", number)
    assert only(second).matched_on == "source_id"
    assert CISourceId.objects.get(external_id="dev-1").ci.number == number
    # the identifier table follows the change, so the next match on fqdn finds it
    assert CIIdentifier.objects.get(key="fqdn").value == "new.example.com"


def test_another_sources_ids_are_its_own(asset_manager):
    import_cis(asset_manager, [server(external_id="x-1", fqdn="a.example.com")], source=SOURCE)

    report = import_cis(
        asset_manager,
        [server(name="b", external_id="x-1", fqdn="b.example.com")],
        source="spreadsheet",
    )

    assert only(report).action == "create"
    assert ConfigurationItem.objects.count() == 2


def test_disagreeing_rules_are_a_conflict_and_change_nothing(asset_manager):
    by_serial = make_ci("server", attributes={"serial_number": "S1"})
    by_fqdn = make_ci("server", attributes={"fqdn": "f.example.com"})

    report = import_cis(
        asset_manager, [server(serial_number="S1", fqdn="f.example.com", os="aix")], source=SOURCE
    )

    result = only(report)
    assert result.action == "conflict"
    assert by_serial.number in result.message
    assert by_fqdn.number in result.message
    assert report.ok  # a conflict is reported, not an error
    assert set(ConfigurationItem.objects.values_list("version", flat=True)) == {1}


def test_two_cis_with_one_value_are_ambiguous(asset_manager):
    make_ci("server", attributes={"fqdn": "twin.example.com"})
    make_ci("server", attributes={"fqdn": "twin.example.com"})

    report = import_cis(asset_manager, [server(fqdn="twin.example.com")], source=SOURCE)

    assert only(report).action == "conflict"
    assert "several" in only(report).message


def test_two_rows_for_one_new_ci_conflict_instead_of_making_two(asset_manager):
    report = import_cis(
        asset_manager,
        [server(name="a", fqdn="dup.example.com"), server(name="b", fqdn="dup.example.com")],
        source=SOURCE,
    )

    assert [r.action for r in report.rows] == ["create", "conflict"]
    assert "row 1" in report.rows[1].message
    assert ConfigurationItem.objects.count() == 1


def test_a_ci_number_matches_first_so_an_export_can_be_reimported(asset_manager):
    ci = make_ci("server", attributes={"fqdn": "n.example.com"})

    report = import_cis(
        asset_manager, [{"ci_class": "server", "number": ci.number, "os": "linux"}], source=SOURCE
    )

    assert (only(report).action, only(report).matched_on) == ("update", "number")


def test_a_ci_the_importer_cannot_see_is_not_matched(asset_manager, db):
    from tests import factories

    home, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    asset_manager.user.served_organisations.set([home])
    hidden = make_ci("server", organisation=other.slug, attributes={"fqdn": "h.example.com"})

    report = import_cis(asset_manager, [server(fqdn="h.example.com", os="aix")], source=SOURCE)

    assert only(report).action == "create"
    hidden.refresh_from_db()
    assert "os" not in hidden.attributes
    assert ConfigurationItem.objects.get(number=only(report).number).organisation == home
