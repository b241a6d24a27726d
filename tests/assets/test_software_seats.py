"""An asset's lifecycle reaches the software app through the outbox: checking a laptop in
frees the licence seats its CI consumed (steward/software/tasks.py)."""

import pytest

from steward.assets import services
from steward.core import outbox
from steward.software import selectors as software_selectors
from steward.software.models import Installation
from tests.cmdb.conftest import make_ci
from tests.software.conftest import SYSTEM, TODAY, install, make_licence, make_product

pytestmark = pytest.mark.django_db


def test_checking_an_asset_in_frees_the_seat_of_its_ci(manager, manager_user, make_asset):
    product = make_product()
    make_licence(product, quantity=1)
    device = make_ci("server", name="laptop-7", attributes={"serial_number": "SN-LAPTOP-7"})
    install(product, device)
    install(product)  # a second device: one seat short while the laptop still counts
    asset = make_asset(serial_number="SN-LAPTOP-7")
    # deploying matches the CI by its serial number (steward/assets/services/deploy.py)
    services.asset_check_out(manager, number=asset.number, person=manager_user.username)
    asset.refresh_from_db()
    assert asset.configuration_item_id == device.pk
    outbox.dispatch_pending()
    assert (
        software_selectors.compliance_of(SYSTEM, [product.pk], today=TODAY)[product.pk].shortfall
        == 1
    )

    services.asset_check_in(manager, number=asset.number, stock_room="main-stock-room")
    outbox.dispatch_pending()

    assert Installation.objects.get(device=device).freed_by == "asset_checked_in"
    position = software_selectors.compliance_of(SYSTEM, [product.pk], today=TODAY)[product.pk]
    assert (position.devices, position.shortfall) == (1, 0)
