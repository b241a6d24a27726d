import datetime as dt

import pytest

from steward.assets import services
from steward.core.actor import Actor
from steward.core.choices import Role
from tests import factories
from tests.conftest import api_client_for, as_actor


@pytest.fixture
def system():
    return Actor.system("tests")


@pytest.fixture
def manager_user(db):
    return factories.UserFactory(username="am1", roles=[Role.AGENT, Role.ASSET_MANAGER])


@pytest.fixture
def manager(manager_user):
    return as_actor(manager_user)


@pytest.fixture
def manager_api(manager_user):
    return api_client_for(manager_user)


@pytest.fixture
def catalogue(system):
    """A laptop category (book straight-line 4 years, tax declining balance 40% over 3),
    a server category tracked in the CMDB, a model of each and a stock room."""
    laptop = services.category_create(
        system,
        name="Laptop",
        book_method="straight_line",
        book_life_years=4,
        tax_method="declining_balance",
        tax_life_years=3,
        tax_rate=40,
    )
    server = services.category_create(system, name="Server", ci_class="server")
    room = services.stock_room_create(system, name="Main stock room")
    return {
        "laptop": services.model_create(
            system,
            manufacturer="Dell",
            name="Latitude 7440",
            category=laptop.slug,
            warranty_months=36,
        ),
        "server": services.model_create(
            system, manufacturer="HPE", name="DL380", category=server.slug
        ),
        "room": room,
    }


@pytest.fixture
def make_asset(system, catalogue):
    n = iter(range(1, 100_000))

    def make(model: str = "laptop", actor=None, **fields):
        i = next(n)
        values = {
            "asset_tag": f"TAG-{i:05d}",
            "serial_number": f"SER-{i:05d}",
            "model": catalogue[model].pk,
            "status": "in_stock",
            "cost": "1200.00",
            "purchase_date": dt.date(2025, 1, 15),
        }
        values.update(fields)
        return services.asset_create(actor or system, **values)

    return make
