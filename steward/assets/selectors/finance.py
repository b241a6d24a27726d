"""Money: depreciation schedules (book and tax side by side), book value at a date, and the
total cost of ownership. Pure arithmetic on ``Decimal``, rounded to cents once per year.

Each schedule has a residual (salvage) value, the category's ``<schedule>_residual_percent``
of the cost (rounded to cents): what the asset is still worth when its life ends.

- Straight-line: ``(cost − residual) / life`` a year, to the residual at the end of the life.
- Declining balance: ``rate`` % of the opening value a year, but never below the residual
  (the year that would cross it stops at it); the last year of the life writes off what is
  left above the residual, so the asset reaches the residual when its life ends.
- Within a year the year's depreciation accrues by whole months since purchase; after the
  life the value stays at the residual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from steward.assets.choices import Depreciation
from steward.assets.models import Asset, Category, Contract

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Year:
    year: int  # 1 = the first year after purchase
    opening: Decimal
    depreciation: Decimal
    closing: Decimal


@dataclass(frozen=True)
class ScheduleRow:
    """One year of the book and the tax schedules side by side."""

    year: int
    book: Year
    tax: Year


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def residual_of(cost: Decimal, percent: Decimal) -> Decimal:
    """The residual value: ``percent`` of ``cost``, in cents."""
    return _money(Decimal(cost) * Decimal(percent) / 100)


def schedule(
    cost: Decimal,
    *,
    method: str,
    life_years: int,
    rate: Decimal,
    residual: Decimal = Decimal(0),
) -> list[Year]:
    """The yearly schedule of ``cost`` by ``method``, down to ``residual`` (an amount)."""
    years, value = [], _money(Decimal(cost))
    floor = min(_money(Decimal(residual)), value)
    for year in range(1, life_years + 1):
        if method == Depreciation.STRAIGHT_LINE:
            step = _money((Decimal(cost) - floor) / life_years)
        else:
            step = _money(value * Decimal(rate) / 100)
        if year == life_years or step > value - floor:
            step = value - floor  # the last year (or the floor) leaves exactly the residual
        years.append(Year(year, value, step, value - step))
        value -= step
    return years


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def value_at(years: list[Year], cost: Decimal, months: int) -> Decimal:
    """Book value ``months`` after purchase by a schedule (the residual once it ends)."""
    if not years:
        return _money(Decimal(cost))
    index, into = divmod(months, 12)
    if index >= len(years):
        return years[-1].closing
    year = years[index]
    return _money(year.opening - year.depreciation * into / 12)


def _schedules(asset: Asset) -> tuple[list[Year], list[Year]]:
    return category_schedules(asset.model.category, asset.cost)


def category_schedules(category: Category, cost: Decimal) -> tuple[list[Year], list[Year]]:
    """The book and the tax schedule of ``cost`` by a category's rules."""
    book = schedule(
        cost,
        method=category.book_method,
        life_years=category.book_life_years,
        rate=category.book_rate,
        residual=residual_of(cost, category.book_residual_percent),
    )
    tax = schedule(
        cost,
        method=category.tax_method,
        life_years=category.tax_life_years,
        rate=category.tax_rate,
        residual=residual_of(cost, category.tax_residual_percent),
    )
    return book, tax


def _side_by_side(book: list[Year], tax: list[Year]) -> list[ScheduleRow]:
    def after(years: list[Year], i: int) -> Year:
        # past its life a schedule holds at its residual
        if i < len(years):
            return years[i]
        zero, rest = Decimal("0.00"), years[-1].closing
        return Year(i + 1, rest, zero, rest)

    return [
        ScheduleRow(year=i + 1, book=after(book, i), tax=after(tax, i))
        for i in range(max(len(book), len(tax)))
    ]


def depreciation_schedule(asset: Asset) -> list[ScheduleRow]:
    """Book and tax years side by side (the longer life sets the number of rows)."""
    return _side_by_side(*_schedules(asset))


EXAMPLE_COST = Decimal("1000.00")


def category_example_schedule(category: Category) -> list[ScheduleRow]:
    """What the category's rules make of a cost of 1,000.00 (its edit page's preview)."""
    return _side_by_side(*category_schedules(category, EXAMPLE_COST))


def book_value(asset: Asset, on: dt.date) -> dict[str, Decimal]:
    """``{"book": …, "tax": …}`` on a date; the full cost before the purchase date."""
    if asset.purchase_date is None or on < asset.purchase_date:
        cost = _money(Decimal(asset.cost))
        return {"book": cost, "tax": cost}
    months = months_between(asset.purchase_date, on)
    book, tax = _schedules(asset)
    return {"book": value_at(book, asset.cost, months), "tax": value_at(tax, asset.cost, months)}


def total_cost_of_ownership(asset: Asset) -> dict[str, Decimal]:
    """Purchase cost plus each covering contract's cost shared equally by its assets."""
    # count every covered asset first, then keep the contracts covering this one
    contracts = Contract.objects.annotate(covered=Count("assets")).filter(
        pk__in=Contract.objects.filter(assets=asset).values("pk")
    )
    share = sum((Decimal(c.cost) / c.covered for c in contracts), Decimal(0))
    return {
        "purchase": _money(Decimal(asset.cost)),
        "contracts": _money(share),
        "total": _money(Decimal(asset.cost) + share),
    }
