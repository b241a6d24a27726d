"""Software writes: validation naming fields, nothing half-written, audit and outbox rows,
matching discovered names, the device report, seats freed when a CI is retired."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.cmdb.services import ci_update
from steward.core import outbox
from steward.core.errors import NotFound, PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage
from steward.software import selectors, services
from steward.software.models import Installation, Licence
from steward.software.services.matching import match
from steward.software.tasks import asset_event_consumer
from tests.cmdb.conftest import make_ci
from tests.software.conftest import SYSTEM, TODAY, install, make_licence, make_product

pytestmark = pytest.mark.django_db


def test_end_before_start_is_refused_naming_the_field_and_writes_nothing(manager):
    product = make_product()
    with pytest.raises(ValidationFailed) as caught:
        services.licence_create(
            manager,
            product=product.slug,
            quantity=5,
            start_date="2026-06-01",
            end_date="2026-05-31",
        )
    assert set(caught.value.fields) == {"end_date"}
    assert not Licence.objects.exists()


def test_editing_the_start_past_the_stored_end_is_refused(manager):
    licence = make_licence(make_product(), end_date=TODAY)
    with pytest.raises(ValidationFailed) as caught:
        services.licence_update(
            manager,
            number=licence.number,
            expected_version=licence.version,
            changes={"start_date": TODAY + dt.timedelta(days=1)},
        )
    assert set(caught.value.fields) == {"end_date"}


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"term": "subscription"}, "end_date"),
        ({"quantity": 0}, "quantity"),
        ({"cost": "-1"}, "cost"),
        ({"metric": "per-seat"}, "metric"),
    ],
    ids=["subscription-without-end", "no-seats", "negative-cost", "unknown-metric"],
)
def test_bad_licences_name_their_field(manager, fields, named):
    product = make_product()
    with pytest.raises(ValidationFailed) as caught:
        services.licence_create(manager, product=product.slug, start_date=TODAY, **fields)
    assert named in caught.value.fields


def test_licence_create_is_audited_and_announced(manager):
    licence = make_licence(make_product(), quantity=7)
    entry = AuditEntry.objects.get(object_repr=licence.number, action="create")
    assert "quantity" in str(entry.changes), entry.changes
    assert OutboxMessage.objects.filter(topic="software.licence_created").exists()


def test_agents_read_but_do_not_write_and_requesters_see_nothing(agent, requester):
    product = make_product()
    with pytest.raises(PermissionDenied):
        services.licence_create(agent, product=product.slug, start_date=TODAY, quantity=1)
    assert selectors.product_get(agent, slug=product.slug) == product
    with pytest.raises(NotFound):
        selectors.product_get(requester, slug=product.slug)
    assert selectors.product_list(requester).items == []


def test_names_map_to_one_product_by_rule():
    products = [(1, ["office pro* 2021"]), (2, ["office"]), (3, ["visio pro* 2021"])]
    found = match(
        [
            "Microsoft Office Professional Plus 2021",
            "Office Pro 2021",
            "Microsoft Office Home 2019",
            "Visio Professional 2021",
            "Notepad++",
        ],
        products,
    )
    assert found == {
        "Microsoft Office Professional Plus 2021": 1,
        "Office Pro 2021": 1,
        "Microsoft Office Home 2019": 2,
        "Visio Professional 2021": 3,
    }


def test_device_report_upserts_and_removes_what_is_no_longer_reported(manager):
    office = make_product(publisher="Microsoft", name="Office", match_rules=["office pro* 2021"])
    visio = make_product(publisher="Microsoft", name="Visio", match_rules=["visio"])
    device = make_ci("server", name="ws-1")
    manual = make_product()
    install(manual, device)

    first = services.device_installations_report(
        manager,
        device=device.number,
        installations=[
            {"name": "Microsoft Office Professional Plus 2021", "cores": 4},
            {"name": "Visio 2021"},
            {"name": "Unknown Tool 1.0"},
        ],
    )
    second = services.device_installations_report(
        manager, device=device.number, installations=[{"name": "Office Pro 2021"}]
    )

    assert (first.created, first.unmatched) == (2, ["Unknown Tool 1.0"])
    assert (second.created, second.updated, second.removed) == (0, 1, 1)
    kept = set(Installation.objects.filter(device=device).values_list("product_id", flat=True))
    assert kept == {office.pk, manual.pk}  # the manual entry stays, Visio is gone
    assert visio.pk not in kept


def test_device_report_of_an_invisible_device_is_not_found(manager):
    with pytest.raises(NotFound):
        services.device_installations_report(manager, device="CI9999999", installations=[])


def test_retiring_a_ci_frees_its_seats_and_bringing_it_back_restores_them():
    product = make_product()
    make_licence(product, quantity=1)
    device = make_ci("server", name="old-box")
    install(product, device)
    install(product)
    assert selectors.compliance_of(SYSTEM, [product.pk], today=TODAY)[product.pk].shortfall == 1

    ci_update(SYSTEM, number=device.number, expected_version=None, changes={"status": "retired"})
    outbox.dispatch_pending()

    got = selectors.compliance_of(SYSTEM, [product.pk], today=TODAY)[product.pk]
    assert (got.devices, got.shortfall) == (1, 0)
    freed = Installation.objects.get(device=device)
    assert freed.freed_by == "ci_retired"

    # and the drill-down lists only counting installations by default
    assert [i.device_id for i in selectors.installation_list(SYSTEM, counting=True).items] == [
        i.device_id for i in Installation.objects.filter(freed_at__isnull=True)
    ]


def test_asset_events_free_the_seats_of_the_assets_ci_once():
    product = make_product()
    device = make_ci("server", name="laptop-ci")
    install(product, device)
    event = OutboxMessage(topic="asset.checked_in", payload={"ci": device.number})

    asset_event_consumer(event)
    first = Installation.objects.get(device=device).freed_at
    asset_event_consumer(event)  # redelivered: nothing changes

    inst = Installation.objects.get(device=device)
    assert inst.freed_by == "asset_checked_in"
    assert inst.freed_at == first
    asset_event_consumer(OutboxMessage(topic="asset.retired", payload={}))  # no CI: nothing
