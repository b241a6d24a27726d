"""Depreciation against values computed by hand, book and tax side by side.

Cost 1200.00 bought 15 Jan 2025. Book: straight-line over 4 years = 300.00 a year.
Tax: declining balance 40 % over 3 years: 480.00 (→ 720.00), 288.00 (→ 432.00), and the
last year writes off the remaining 432.00.
"""

import datetime as dt
from decimal import Decimal

import pytest

from steward.assets import selectors, services
from steward.assets.selectors.finance import months_between, schedule

pytestmark = pytest.mark.django_db


def test_straight_line_schedule_by_hand():
    years = schedule(Decimal("1000.00"), method="straight_line", life_years=3, rate=Decimal(0))
    # 1000 / 3 = 333.33 for two years, the last year takes the 333.34 left
    assert [y.depreciation for y in years] == [
        Decimal("333.33"),
        Decimal("333.33"),
        Decimal("333.34"),
    ]
    assert years[-1].closing == Decimal("0.00")


def test_declining_balance_schedule_by_hand():
    years = schedule(Decimal("1200.00"), method="declining_balance", life_years=3, rate=Decimal(40))
    assert [(y.opening, y.depreciation, y.closing) for y in years] == [
        (Decimal("1200.00"), Decimal("480.00"), Decimal("720.00")),
        (Decimal("720.00"), Decimal("288.00"), Decimal("432.00")),
        (Decimal("432.00"), Decimal("432.00"), Decimal("0.00")),
    ]


def test_book_and_tax_schedules_side_by_side(make_asset):
    rows = selectors.depreciation_schedule(make_asset())
    assert [(r.year, r.book.depreciation, r.tax.depreciation) for r in rows] == [
        (1, Decimal("300.00"), Decimal("480.00")),
        (2, Decimal("300.00"), Decimal("288.00")),
        (3, Decimal("300.00"), Decimal("432.00")),
        (4, Decimal("300.00"), Decimal("0.00")),
    ]


@pytest.mark.parametrize(
    ("on", "book", "tax"),
    [
        (dt.date(2025, 1, 1), "1200.00", "1200.00"),  # before purchase: the cost
        (dt.date(2025, 1, 15), "1200.00", "1200.00"),
        (dt.date(2025, 7, 14), "1075.00", "1000.00"),  # 5 whole months: 1200-125, 1200-200
        (dt.date(2026, 7, 15), "750.00", "576.00"),  # 18 months: 1200-450, 720-144
        (dt.date(2028, 1, 15), "300.00", "0.00"),  # 36 months: tax life over
        (dt.date(2030, 1, 1), "0.00", "0.00"),
    ],
)
def test_book_value_at_any_date(make_asset, on, book, tax):
    assert selectors.book_value(make_asset(), on) == {"book": Decimal(book), "tax": Decimal(tax)}


def test_whole_months():
    assert months_between(dt.date(2025, 1, 31), dt.date(2025, 2, 28)) == 0
    assert months_between(dt.date(2025, 1, 15), dt.date(2026, 7, 15)) == 18


def test_total_cost_of_ownership_shares_each_contract_by_its_assets(system, make_asset):
    one, two = make_asset(), make_asset()
    services.contract_create(
        system,
        title="Care pack",
        vendor="Dell",
        kind="support",
        start_date="2025-01-01",
        end_date="2027-12-31",
        cost="300.00",
        assets=[one.number, two.number],
    )
    services.contract_create(
        system,
        title="Lease",
        vendor="Dell",
        kind="lease",
        start_date="2025-01-01",
        end_date="2027-12-31",
        cost="99.99",
        assets=[one.number],
    )
    assert selectors.total_cost_of_ownership(one) == {
        "purchase": Decimal("1200.00"),
        "contracts": Decimal("249.99"),
        "total": Decimal("1449.99"),
    }
