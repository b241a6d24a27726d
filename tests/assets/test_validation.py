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


def _reads(captured, *tables: str) -> list[str]:
    """The SELECTs of ``captured`` that read any of ``tables``."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and any(f'"{table}"' in q["sql"] for table in tables)
    ]


def test_a_loaders_block_reads_each_reference_once_and_still_checks_every_value(
    system, catalogue, make_asset
):
    """``references_read_once`` (the demo's asset loader): the second asset naming the same
    model, room, team and site reads none of them again; an unknown one is still a 422, and
    outside the block every reference is read as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steward.core.models import Location
    from tests import factories

    team = factories.TeamFactory(slug="workplace")
    site = Location.objects.create(name="Depot")
    refs = {"owner_team": team.slug, "stock_room": catalogue["room"].slug}
    tables = ("assets_assetmodel", "assets_stockroom", "core_team", "core_location")
    with validation.references_read_once():
        make_asset(**refs, location=site.pk)
        with CaptureQueriesContext(connection) as captured:
            make_asset(**refs, location=site.pk)
        assert _reads(captured, *tables) == []
        with pytest.raises(ValidationFailed) as exc:
            make_asset(**{**refs, "stock_room": "no-such-room"})
        assert list(exc.value.fields) == ["stock_room"]
    with CaptureQueriesContext(connection) as captured:
        make_asset(**refs, location=site.pk)
    assert len(_reads(captured, *tables)) == 4  # model, site, room, team: each read again
    assert Asset.objects.filter(owner_team=team, location=site).count() == 3


def test_a_reference_read_for_one_actor_is_not_another_actors(system, catalogue):
    """The block keeps what each actor found: a site the system found is still refused to
    an asset manager limited to another organisation (another customer's site is absent)."""
    from steward.core.choices import Role
    from steward.core.models import Location
    from tests import factories
    from tests.conftest import as_actor

    acme, globex = factories.OrganisationFactory(), factories.OrganisationFactory()
    theirs = Location.objects.create(name="Globex Vault", organisation=globex)
    user = factories.UserFactory(username="am-acme", roles=[Role.AGENT, Role.ASSET_MANAGER])
    user.served_organisations.set([acme])
    base = {"model": catalogue["laptop"].pk, "status": "in_stock", "location": theirs.pk}
    with validation.references_read_once():
        services.asset_create(system, asset_tag="T-1", serial_number="S-1", **base)
        with pytest.raises(ValidationFailed) as exc:
            services.asset_create(as_actor(user), asset_tag="T-2", serial_number="S-2", **base)
    assert list(exc.value.fields) == ["location"]
    assert list(Asset.objects.values_list("asset_tag", flat=True)) == ["T-1"]
