"""The lifecycle as data with guards: illegal moves list the allowed states, disposal needs
a completed disposition record (with a sanitisation level when the device held data)."""

import pytest
from django.utils import translation

from steward.assets import selectors, services
from steward.assets.models import Asset, Assignment, Disposition
from steward.assets.workflow import disposition_missing
from steward.cmdb import services as cmdb_services
from steward.core.errors import Conflict, IllegalTransition, ValidationFailed
from steward.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


def move(actor, asset, status):
    return services.asset_update(
        actor, number=asset.number, expected_version=None, changes={"status": status}
    )


def deploy(actor, asset, person="am1"):
    """Deploy by checking out (to the manager, am1, unless told): the one way to deploy."""
    services.asset_check_out(actor, number=asset.number, person=person)
    return Asset.objects.get(pk=asset.pk)


def complete(actor, asset, **overrides):
    values = {
        "method": "destruction",
        "sanitisation": "destroy",
        "vendor": "SecureShred AG",
        "certificate_number": "COD-1",
        "certificate_date": "2026-01-10",
    }
    values.update(overrides)
    return services.disposition_update(actor, number=asset.number, **values)


def test_an_illegal_move_is_a_conflict_listing_the_allowed_states(manager, make_asset):
    asset = make_asset(status="on_order")
    with pytest.raises(IllegalTransition) as exc:
        move(manager, asset, "deployed")
    assert exc.value.status == 409
    assert exc.value.allowed == ["in_stock"]
    assert Asset.objects.get(pk=asset.pk).status == "on_order"


def test_deploy_alone_is_refused_naming_the_person(manager, make_asset):
    """ "Deploy" on an asset in stock set it deployed with no person and no location: a
    deployment is a check-out, which asks to whom or where."""
    asset = make_asset("server")
    with pytest.raises(ValidationFailed) as exc:
        move(manager, asset, "deployed")
    assert exc.value.status == 422
    assert list(exc.value.fields) == ["person"]
    asset.refresh_from_db()
    assert (asset.status, asset.configuration_item_id) == ("in_stock", None)
    assert not OutboxMessage.objects.filter(topic="asset.updated").exists()
    deployed = deploy(manager, asset)
    assert (deployed.status, deployed.assignee.username) == ("deployed", "am1")


def test_back_from_repair_is_deployed_only_while_still_checked_out(manager, make_asset):
    """Sent to repair from stock, "Back from repair" deployed it to nobody; sent from a
    deployment, it comes back to its person (its check-out still open)."""
    from_stock = make_asset()
    move(manager, from_stock, "in_repair")
    page = selectors.asset_get(manager, number=from_stock.number)
    assert "deployed" not in [m.target for m in selectors.asset_capabilities(manager, page).moves]
    with pytest.raises(ValidationFailed) as exc:
        move(manager, from_stock, "deployed")
    assert list(exc.value.fields) == ["person"]

    held = deploy(manager, make_asset())
    move(manager, held, "in_repair")
    page = selectors.asset_get(manager, number=held.number)
    assert "deployed" in [m.target for m in selectors.asset_capabilities(manager, page).moves]
    back = move(manager, held, "deployed")
    assert (back.status, back.assignee.username) == ("deployed", "am1")


def test_retiring_opens_a_disposition_and_disposal_needs_it_complete(manager, make_asset):
    asset = make_asset()
    move(manager, asset, "retired")
    assert Disposition.objects.filter(asset=asset, completed_at=None).exists()
    with pytest.raises(ValidationFailed) as exc:
        move(manager, asset, "disposed")
    assert "certificate number" in exc.value.message
    assert Asset.objects.get(pk=asset.pk).status == "retired"


def test_dispose_is_offered_only_once_the_record_is_complete(manager, make_asset):
    """The page offered "Dispose" at once after "Retire", and the click was refused for the
    record's gaps (walk42); the guide says it is offered once the certificate is recorded."""
    asset = make_asset()
    move(manager, asset, "retired")

    def offered() -> list[str]:
        fresh = selectors.asset_get(manager, number=asset.number)
        return [m.target for m in selectors.asset_capabilities(manager, fresh).moves]

    assert "disposed" not in offered()
    complete(manager, asset)
    assert offered() == ["disposed"]


def test_what_disposal_still_needs_reads_in_the_readers_language(manager, make_asset):
    """A German page read "Vor der Entsorgung fehlt noch: method, vendor, …"."""
    asset = make_asset(holds_data=True)
    move(manager, asset, "retired")
    with translation.override("de"):
        missing = disposition_missing(Asset.objects.get(pk=asset.pk))
        with pytest.raises(ValidationFailed) as exc:
            move(manager, asset, "disposed")
    assert missing == [
        "Verfahren",
        "Entsorgungsdienstleister",
        "Nummer des Nachweises",
        "Datum des Nachweises",
        "Stufe der Datenlöschung (das Gerät enthielt Daten)",
    ]
    assert exc.value.message.startswith("Entsorgung erst mit vollständigem Entsorgungsnachweis")


def test_the_history_shows_the_disposition_in_words(manager, make_asset):
    """The asset's history read "Method: — → destruction" and "Certificate date: — →
    2026-01-10": the disposition record's codes, audited on the asset."""
    asset = make_asset()
    move(manager, asset, "retired")
    complete(manager, asset)
    [entry] = [
        e
        for e in selectors.asset_timeline(manager, asset)
        if "method" in {c.name for c in e.changes}
    ]
    shown = {c.name: c.new for c in entry.changes}
    assert shown["method"] == "Destruction"
    assert shown["sanitisation"] == "Destroy"
    assert shown["certificate_date"] == "10 Jan 2026"
    assert shown["vendor"] == "SecureShred AG"


def test_a_yes_or_no_in_the_history_reads_in_the_readers_language(manager, make_asset):
    """A German page's history read "Enthält Daten: No → Yes"."""
    asset = make_asset(holds_data=False)
    services.asset_update(
        manager, number=asset.number, expected_version=None, changes={"holds_data": True}
    )
    with translation.override("de"):
        timeline = selectors.asset_timeline(manager, asset)
    [change] = [c for c in timeline[0].changes if c.name == "holds_data"]  # the newest
    assert (change.old, change.new) == ("Nein", "Ja")


def test_a_device_that_held_data_needs_a_sanitisation_level(manager, make_asset):
    asset = make_asset(holds_data=True)
    move(manager, asset, "retired")
    complete(manager, asset, sanitisation="")
    with pytest.raises(ValidationFailed) as exc:
        move(manager, asset, "disposed")
    assert "sanitisation" in exc.value.message
    complete(manager, asset)
    disposed = move(manager, asset, "disposed")
    assert disposed.status == "disposed"
    assert Disposition.objects.get(asset=asset).completed_at is not None


def test_a_device_without_data_is_disposed_without_sanitisation(manager, make_asset):
    asset = make_asset(holds_data=False)
    move(manager, asset, "retired")
    complete(manager, asset, sanitisation="", method="recycling")
    assert move(manager, asset, "disposed").status == "disposed"


def test_a_disposed_asset_is_final(manager, make_asset):
    asset = make_asset(holds_data=False)
    move(manager, asset, "retired")
    complete(manager, asset)
    move(manager, asset, "disposed")
    with pytest.raises(Conflict):
        move(manager, asset, "in_stock")
    with pytest.raises(Conflict):
        complete(manager, asset, vendor="Other")


def test_check_out_and_in_keep_history_and_emit_the_events(manager, manager_user, make_asset):
    asset = make_asset()
    services.asset_check_out(manager, number=asset.number, person=manager_user.username)
    asset.refresh_from_db()
    assert asset.status == "deployed"
    assert asset.assignee == manager_user
    with pytest.raises(Conflict):
        services.asset_check_out(manager, number=asset.number, person=manager_user.username)
    services.asset_check_in(manager, number=asset.number, stock_room="main-stock-room")
    asset.refresh_from_db()
    assert (asset.status, asset.assignee, asset.stock_room.slug) == (
        "in_stock",
        None,
        "main-stock-room",
    )
    [row] = Assignment.objects.filter(asset=asset)
    assert row.checked_in_at is not None
    event = OutboxMessage.objects.get(topic="asset.checked_in")
    assert event.payload["number"] == asset.number
    assert "ci_id" in event.payload


def test_retiring_a_deployed_asset_checks_it_in_and_says_so(manager, manager_user, make_asset):
    asset = make_asset()
    services.asset_check_out(manager, number=asset.number, person=manager_user.username)
    move(manager, asset, "retired")
    topics = list(OutboxMessage.objects.order_by("id").values_list("topic", flat=True))
    assert topics[-3:] == ["asset.updated", "asset.checked_in", "asset.retired"]
    assert not Assignment.objects.filter(asset=asset, checked_in_at=None).exists()


@pytest.mark.parametrize("last", ["retired", "in_stock"])
def test_an_asset_back_from_repair_leaves_its_person(manager, manager_user, make_asset, last):
    """Deployed, sent to repair, then retired (or repaired into stock): no longer hers."""
    asset = make_asset()
    services.asset_check_out(manager, number=asset.number, person=manager_user.username)
    move(manager, asset, "in_repair")
    asset.refresh_from_db()
    assert asset.assignee == manager_user  # in repair, still hers
    move(manager, asset, last)
    asset.refresh_from_db()
    assert asset.assignee is None
    assert not Assignment.objects.filter(asset=asset, checked_in_at=None).exists()
    assert OutboxMessage.objects.filter(topic="asset.checked_in").count() == 1


def test_deploying_creates_the_ci_for_a_tracked_category(manager, make_asset):
    asset = make_asset("server", serial_number="CZJ1234")
    deployed = deploy(manager, asset)
    ci = deployed.configuration_item
    assert ci is not None
    assert ci.ci_class.slug == "server"
    assert ci.attributes["serial_number"] == "CZJ1234"
    retired = move(manager, deployed, "retired")
    event = OutboxMessage.objects.get(topic="asset.retired")
    assert event.payload == {
        "number": retired.number,
        "asset_tag": retired.asset_tag,
        "ci_id": ci.pk,
        "ci": ci.number,
    }


def test_deploying_matches_an_existing_ci_by_serial(system, manager, make_asset):
    ci = cmdb_services.ci_create(
        system, name="srv-9", ci_class="server", attributes={"serial_number": "abc-9"}
    )
    asset = make_asset("server", serial_number="ABC-9")
    assert deploy(manager, asset).configuration_item == ci


def test_a_laptop_is_not_a_ci(manager, make_asset):
    assert deploy(manager, make_asset()).configuration_item is None


def test_the_page_offers_only_the_moves_the_workflow_allows(manager, make_asset):
    asset = selectors.asset_get(manager, number=make_asset(status="on_order").number)
    caps = selectors.asset_capabilities(manager, asset)
    assert [m.target for m in caps.moves] == ["in_stock"]
    assert not caps.can_check_in
    assert not caps.can_edit_disposition


def test_disposal_checks_holds_data_as_the_same_request_sets_it(manager, make_asset):
    """A PATCH that disposes an asset and says it held data in one request is checked
    against the values after the change: without a sanitisation level it is refused."""
    asset = make_asset(holds_data=False)
    move(manager, asset, "retired")
    complete(manager, asset, sanitisation="", method="recycling")
    with pytest.raises(ValidationFailed) as exc:
        services.asset_update(
            manager,
            number=asset.number,
            expected_version=None,
            changes={"status": "disposed", "holds_data": True},
        )
    assert exc.value.status == 422
    assert "sanitisation" in exc.value.message
    asset.refresh_from_db()
    assert (asset.status, asset.holds_data) == ("retired", False)
    assert Disposition.objects.get(asset=asset).completed_at is None


@pytest.mark.parametrize(
    "body",
    [
        {"status": "disposed", "holds_data": True},
        {"holds_data": True, "status": "disposed"},
    ],
)
def test_a_patch_disposing_and_saying_it_held_data_needs_sanitisation(
    manager, manager_api, make_asset, body
):
    """Over the API, in either order of the body's keys: the rule reads the values after the
    change (holds_data true), so a record without a sanitisation level refuses disposal."""
    asset = make_asset(holds_data=False)
    move(manager, asset, "retired")
    complete(manager, asset, sanitisation="", method="recycling")
    r = manager_api.patch(f"/api/v1/assets/{asset.number}", body)
    assert r.status_code == 422, r.content
    assert list(r.json()["error"]["fields"]) == ["status"]
    asset.refresh_from_db()
    assert (asset.status, asset.holds_data) == ("retired", False)
