"""Bad input: duplicates, negative money, contracts ending before they start, unknown
references; each names its field and writes nothing."""

import pytest

from steward.assets import services
from steward.assets.models import Asset, Contract
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
