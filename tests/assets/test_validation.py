"""Bad input: duplicates, negative money, contracts ending before they start, unknown
references; each names its field and writes nothing."""

import datetime as dt

import pytest

from steward.assets import services
from steward.assets.models import Asset, Contract
from steward.assets.services import validation
from steward.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["asset_tag", "serial_number"])
def test_duplicate_tag_or_serial_is_refused_naming_the_field(manager, make_asset, field):
    first = make_asset()
    with pytest.raises(ValidationFailed) as exc:
        make_asset(**{field: getattr(first, field).lower()})
    assert list(exc.value.fields) == [field]
    assert Asset.objects.count() == 1


def test_negative_cost_is_refused(make_asset):
    with pytest.raises(ValidationFailed) as exc:
        make_asset(cost="-1.00")
    assert "cost" in exc.value.fields
    assert not Asset.objects.exists()


def test_an_unknown_model_is_refused(manager, catalogue):
    with pytest.raises(ValidationFailed) as exc:
        services.asset_create(manager, asset_tag="X", serial_number="Y", model=99999)
    assert list(exc.value.fields) == ["model"]


def test_a_contract_ending_before_it_starts_is_refused(manager):
    with pytest.raises(ValidationFailed) as exc:
        services.contract_create(
            manager,
            title="Support",
            vendor="HPE",
            kind="support",
            start_date="2026-05-01",
            end_date="2026-04-30",
        )
    assert list(exc.value.fields) == ["end_date"]
    assert not Contract.objects.exists()


def test_the_warranty_term_of_the_model_is_inherited(make_asset):
    asset = make_asset(purchase_date="2024-01-31")
    assert asset.warranty_end.isoformat() == "2027-01-31"


@pytest.mark.parametrize(
    ("bought", "months", "ends"),
    [
        ("9999-12-31", 36, dt.date.max),
        ("9999-11-15", 1, dt.date(9999, 12, 15)),
        ("2024-01-31", 1, dt.date(2024, 2, 29)),
    ],
    ids=["past-the-calendar", "into-its-last-month", "a-shorter-month"],
)
def test_a_warranty_from_a_date_at_the_calendars_end_reads(
    manager_api, catalogue, system, bought, months, ends
):
    """A purchase date near 9999-12-31 made the warranty end a year past the calendar: the
    asset was stored, then every read of it (and the whole asset list) was a 500."""
    services.model_update(
        system,
        pk=catalogue["laptop"].pk,
        expected_version=None,
        changes={"warranty_months": months},
    )
    created = manager_api.post(
        "/api/v1/assets",
        {
            "asset_tag": "T1",
            "serial_number": "S1",
            "model": catalogue["laptop"].pk,
            "cost": "100.00",
            "purchase_date": bought,
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["warranty_end"] == ends.isoformat()
    listed = manager_api.get("/api/v1/assets")
    assert listed.status_code == 200
    assert [a["warranty_end"] for a in listed.json()["items"]] == [ends.isoformat()]


@pytest.mark.parametrize("field", ["asset_tag", "serial_number"])
def test_a_create_that_lost_the_race_for_a_tag_or_serial_is_422_naming_it(
    manager, make_asset, monkeypatch, field
):
    """The check before the insert was the only guard: a create racing another (the check
    misses the other's row, as here) stored a second asset with the same tag or serial."""
    first = make_asset()
    monkeypatch.setattr(validation, "unique", lambda *args: None)
    with pytest.raises(ValidationFailed) as refused:
        make_asset(actor=manager, **{field: getattr(first, field).lower()})
    assert list(refused.value.fields) == [field]
    other = make_asset(actor=manager)
    with pytest.raises(ValidationFailed) as refused:
        services.asset_update(
            manager,
            number=other.number,
            expected_version=None,
            changes={field: getattr(first, field)},
        )
    assert list(refused.value.fields) == [field]
    assert Asset.objects.count() == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_creates_of_one_tag_at_once_make_one_asset(catalogue, monkeypatch):
    """Two threads on PostgreSQL: both checks pass before either inserts."""
    import threading

    from django.db import connection

    from steward.core.actor import Actor
    from steward.core.errors import DomainError

    checked = threading.Barrier(2, timeout=10)
    check = validation.unique

    def unique_then_wait(*args):
        check(*args)
        if args[0] == "asset_tag":
            checked.wait()

    monkeypatch.setattr(validation, "unique", unique_then_wait)
    outcomes: list[object] = []

    def create(n: int) -> None:
        try:
            services.asset_create(
                Actor.system("race"),
                asset_tag="RACE-1" if n else "race-1",
                serial_number=f"SER-RACE-{n}",
                model=catalogue["laptop"].pk,
            )
            outcomes.append("created")
        except DomainError as exc:
            outcomes.append(sorted(exc.fields))
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) == [["asset_tag"], "created"]
    assert Asset.objects.filter(asset_tag__iexact="race-1").count() == 1
