"""Money: depreciation schedules (book and tax side by side), book value at a date, and the
total cost of ownership. Pure arithmetic on ``Decimal``, rounded to cents once per year.

- Straight-line: ``cost / life`` a year, to zero at the end of the life.
- Declining balance: ``rate`` % of the opening value a year; the last year of the life
  writes off what is left, so the asset reaches zero when its life ends.
- Within a year the year's depreciation accrues by whole months since purchase.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from steward.assets.choices import Depreciation
from steward.assets.models import Asset, Contract

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


def schedule(cost: Decimal, *, method: str, life_years: int, rate: Decimal) -> list[Year]:
    """The yearly schedule of ``cost`` by ``method``."""
    years, value = [], _money(Decimal(cost))
    for year in range(1, life_years + 1):
        if method == Depreciation.STRAIGHT_LINE:
            step = _money(Decimal(cost) / life_years)
        else:
            step = _money(value * Decimal(rate) / 100)
        if year == life_years or step > value:
            step = value  # the last year (or rounding) leaves exactly zero
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
    """Book value ``months`` after purchase by a schedule."""
    if not years:
        return _money(Decimal(cost))
    index, into = divmod(months, 12)
    if index >= len(years):
        return Decimal("0.00")
    year = years[index]
    return _money(year.opening - year.depreciation * into / 12)


def _schedules(asset: Asset) -> tuple[list[Year], list[Year]]:
    category = asset.model.category
    book = schedule(
        asset.cost,
        method=category.book_method,
        life_years=category.book_life_years,
        rate=category.book_rate,
    )
    tax = schedule(
        asset.cost,
        method=category.tax_method,
        life_years=category.tax_life_years,
        rate=category.tax_rate,
    )
    return book, tax


def depreciation_schedule(asset: Asset) -> list[ScheduleRow]:
    """Book and tax years side by side (the longer life sets the number of rows)."""
    book, tax = _schedules(asset)
    zero = Decimal("0.00")
    return [
        ScheduleRow(
            year=i + 1,
            book=book[i] if i < len(book) else Year(i + 1, zero, zero, zero),
            tax=tax[i] if i < len(tax) else Year(i + 1, zero, zero, zero),
        )
        for i in range(max(len(book), len(tax)))
    ]


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
