"""The asset pages: list with filters (query count flat), detail with history (query count
flat), moves offered by the workflow, the disposition report and its CSV, labels."""

import pytest

from steward.assets import services
from steward.core.actor import Actor
from tests.query_counts import grows, queries
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, manager_user):
    client.force_login(manager_user)
    return client


def test_list_filters_and_query_count(signed_in, make_asset, catalogue):
    make_asset(asset_tag="ZZ-1")
    make_asset("server", status="on_order")
    page = signed_in.get("/assets/", {"status": "on_order"}).content.decode()
    assert "HPE DL380" in page
    assert "ZZ-1" not in page
    assert signed_in.get("/assets/", {"model": "x"}).status_code == 422
    few, more = grows(make_asset, lambda: signed_in.get("/assets/"))
    assert few == more


def test_detail_shows_history_and_its_query_count_is_flat(signed_in, manager_user, make_asset):
    asset = make_asset()
    system = Actor.system("t")

    def churn():
        services.asset_check_out(system, number=asset.number, person=manager_user.username)
        services.asset_check_in(system, number=asset.number)
        services.contract_create(
            system,
            title="Care",
            vendor="Dell",
            kind="support",
            start_date="2026-01-01",
            end_date="2027-01-01",
            assets=[asset.number],
        )

    few, more = grows(churn, lambda: signed_in.get(f"/assets/{asset.number}/"), first=1, then=3)
    assert few == more
    page = signed_in.get(f"/assets/{asset.number}/").content.decode()
    assert "Check-out history" in page
    assert str(manager_user) in page


def test_the_page_offers_the_workflows_moves_and_a_refusal_stays_on_the_form(signed_in, make_asset):
    asset = make_asset(holds_data=True)
    page = signed_in.get(f"/assets/{asset.number}/").content.decode()
    # deploying is the check-out form's: a bare "Deploy" deployed it to nobody
    assert 'value="deployed"' not in page
    assert 'value="retired"' in page
    assert "A check-out deploys the asset" in page
    assert 'value="disposed"' not in page
    r = signed_in.post(f"/assets/{asset.number}/move/", {"status": "deployed", "version": 1})
    assert r.status_code == 422
    assert "a deployed asset is with a person or at a location" in r.content.decode()
    r = signed_in.post(f"/assets/{asset.number}/move/", {"status": "retired", "version": 1})
    assert r.status_code == 303
    r = signed_in.post(f"/assets/{asset.number}/move/", {"status": "disposed"})
    assert r.status_code == 422
    assert "certificate number" in r.content.decode()
    r = signed_in.post(
        f"/assets/{asset.number}/disposition/",
        {
            "method": "destruction",
            "sanitisation": "purge",
            "vendor": "Shred AG",
            "certificate_number": "COD-42",
            "certificate_date": "2026-01-05",
        },
    )
    assert r.status_code == 303
    assert (
        signed_in.post(f"/assets/{asset.number}/move/", {"status": "disposed"}).status_code == 303
    )
    report = signed_in.get("/assets/disposition/").content.decode()
    assert "COD-42" in report
    csv = b"".join(signed_in.get("/assets/disposition.csv").streaming_content).decode()
    assert "COD-42" in csv
    assert "purge" in csv


def test_export_neutralises_formulas(signed_in, make_asset):
    for i, start in enumerate(("=", "+", "-", "@")):
        make_asset(vendor=f"{start}HYPERLINK(1)", purchase_order=f"PO{i}")
    body = b"".join(signed_in.get("/assets/export.csv").streaming_content).decode()
    for start in ("=", "+", "-", "@"):
        assert f",'{start}HYPERLINK(1)," in body
        assert f",{start}HYPERLINK" not in body


def test_export_reads_as_a_flat_number_of_queries(signed_in, make_asset):
    few, more = grows(make_asset, lambda: signed_in.get("/assets/export.csv"))
    assert few == more


def test_labels_carry_a_qr_code_of_the_assets_address(signed_in, make_asset, settings):
    settings.BASE_URL = "https://steward.example.com"
    asset = make_asset()
    page = signed_in.get("/assets/labels/").content.decode()
    assert "<svg" in page
    assert f"https://steward.example.com/assets/{asset.number}/" in page
    assert ' style="' not in page.split("<svg", 1)[1].split("</svg>")[0]
    png = signed_in.get(f"/assets/{asset.number}/label.png")
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


def test_stock_and_contract_pages(signed_in, make_asset, catalogue):
    make_asset(stock_room="main-stock-room")
    services.stock_level_set(
        Actor.system("t"),
        stock_room="main-stock-room",
        model=catalogue["laptop"].pk,
        reorder_level=3,
    )
    assert "Below level" in signed_in.get("/assets/stock/").content.decode()
    assert signed_in.get("/assets/contracts/").status_code == 200
    assert signed_in.get("/assets/contracts/", {"expiring_within": "x"}).status_code == 422
    assert queries(lambda: signed_in.get("/assets/stock/")) < 15


def test_a_new_asset_is_received_into_a_stock_room_at_a_location(signed_in, catalogue):
    """The New asset form had no stock room: an asset recorded in stock read "Stock room: —"."""
    from steward.assets.models import Asset
    from steward.core.models import Location

    place = Location.objects.create(name="Leeds depot")
    form = signed_in.get("/assets/new/").content.decode()
    assert 'name="stock_room"' in form
    assert f'value="{catalogue["room"].slug}"' in form
    assert 'name="location"' in form
    values = {
        "asset_tag": "NEW-1",
        "serial_number": "SN-NEW-1",
        "model": catalogue["laptop"].pk,
        "status": "in_stock",
        "stock_room": catalogue["room"].slug,
        "location": place.pk,
        "cost": "100.00",
    }
    r = signed_in.post("/assets/new/", values)
    assert r.status_code == 303, r.content.decode()[:500]
    asset = Asset.objects.get(asset_tag="NEW-1")
    assert (asset.stock_room, asset.location) == (catalogue["room"], place)
    page = signed_in.get(f"/assets/{asset.number}/").content.decode()
    assert "<dt>Stock room</dt><dd>Main stock room</dd>" in page
    r = signed_in.post("/assets/new/", {**values, "asset_tag": "NEW-2", "stock_room": "nope"})
    assert r.status_code == 422
    assert not Asset.objects.filter(asset_tag="NEW-2").exists()


def test_a_donated_asset_is_recorded_without_a_cost(signed_in, manager_api, catalogue):
    """Cost was required on New asset, so a donated or free item could not be recorded: a
    blank cost is 0 (the model has no "unknown" cost), and the money it shows and exports
    is 0.00, not an error."""
    import csv
    import io

    from steward.assets.models import Asset

    form = signed_in.get("/assets/new/").content.decode()
    assert "0 for a donated or free item" in form
    r = signed_in.post(
        "/assets/new/",
        {
            "asset_tag": "GIFT-1",
            "serial_number": "SN-GIFT-1",
            "model": catalogue["laptop"].pk,
            "status": "in_stock",
            "purchase_date": "2026-01-05",
            "cost": "",
        },
    )
    assert r.status_code == 303, r.content.decode()[:800]
    asset = Asset.objects.get(asset_tag="GIFT-1")
    assert str(asset.cost) == "0.00"
    page = signed_in.get(f"/assets/{asset.number}/").content.decode()
    assert "<dt>Total cost of ownership</dt><dd>0.00</dd>" in page
    money = manager_api.get(f"/api/v1/assets/{asset.number}/financials").json()
    assert (money["value"]["book"], money["total_cost_of_ownership"]) == ("0.00", "0.00")
    body = b"".join(signed_in.get("/assets/export.csv").streaming_content).decode()
    [row] = [r for r in csv.DictReader(io.StringIO(body)) if r["asset_tag"] == "GIFT-1"]
    assert row["cost"] == "0.00"
    assert signed_in.get("/assets/export.xlsx").status_code == 200


def test_check_out_is_offered_only_where_the_service_allows_it(signed_in, manager_user, make_asset):
    """A checked-out asset was still offered "Check out" (the service refused it: "check it
    in first"); the page asks the service's own rule (``check_out_refusal``)."""
    asset = make_asset()
    checkout = f'action="/assets/{asset.number}/check-out/"'
    assert checkout in signed_in.get(f"/assets/{asset.number}/").content.decode()
    system = Actor.system("t")
    services.asset_check_out(system, number=asset.number, person=manager_user.username)
    page = signed_in.get(f"/assets/{asset.number}/").content.decode()
    assert checkout not in page
    assert f'action="/assets/{asset.number}/check-in/"' in page  # what it allows instead
    services.asset_check_in(system, number=asset.number)
    assert checkout in signed_in.get(f"/assets/{asset.number}/").content.decode()


def test_the_disposition_names_its_evidence_and_links_the_file(signed_in, manager_user, make_asset):
    """The card read "Evidence attached." with no name and no way to the file, and a disposed
    asset's record did not mention it at all (walk42): both link the download now."""
    import io

    actor = Actor(user=manager_user, channel="web")
    asset = make_asset()
    services.asset_update(
        actor, number=asset.number, expected_version=None, changes={"status": "retired"}
    )
    services.disposition_evidence_add(
        actor,
        number=asset.number,
        upload=io.BytesIO(b"certificate"),
        filename="cod-7.pdf",
        size=11,
    )
    record = type(asset).objects.get(pk=asset.pk).disposition
    link = f'href="/attachments/{record.evidence_id}/" download>cod-7.pdf</a>'

    retired = signed_in.get(f"/assets/{asset.number}/").content.decode()
    assert f"Evidence attached: <a {link}" in retired
    services.disposition_update(
        actor,
        number=asset.number,
        method="recycling",
        sanitisation="destroy",
        vendor="GreenIT",
        certificate_number="COD-7",
        certificate_date="2026-01-10",
    )
    services.asset_update(
        actor, number=asset.number, expected_version=None, changes={"status": "disposed"}
    )
    disposed = signed_in.get(f"/assets/{asset.number}/").content.decode()
    assert link in disposed
    assert signed_in.get(f"/attachments/{record.evidence_id}/").status_code == 200


@pytest.mark.parametrize(
    ("language", "alert"),
    [
        ("en", "Horizon: a whole number"),
        ("de", "Zeitraum: eine ganze Zahl"),
    ],
)
def test_a_refused_contract_filter_is_named_by_its_label_in_the_readers_words(
    client, manager_user, language, alert
):
    """The contracts page printed "expiring_within: Input should be a valid integer, …": the
    parameter's name and pydantic's English; it names the tabs by their label, as the loans
    page does, and says the refusal in the reader's language."""
    manager_user.language = language
    manager_user.save(update_fields=["language"])
    client.force_login(manager_user)

    refused = client.get("/assets/contracts/", {"expiring_within": "soon"})

    assert refused.status_code == 422
    [shown] = elements(refused.content, "div", role="alert")
    assert text_of(shown) == alert
