"""Pure checks every write path (API, web, demo) calls: one rule each, errors name fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from steward.core.errors import ValidationFailed
from steward.software.choices import Metric, Term
from steward.software.services.matching import clean_rules

MAX_QUANTITY = 10_000_000
MAX_COST = Decimal("999999999999.99")


def _text(values: dict, errors: dict, name: str, *, max_length: int, required: bool) -> None:
    if name not in values:
        return
    values[name] = (values[name] or "").strip()
    if (required and not values[name]) or len(values[name]) > max_length:
        message = (
            _("required, at most %(max_length)s characters")
            if required
            else _("at most %(max_length)s characters")
        )
        errors[name] = [message % {"max_length": max_length}]


def _date(values: dict, errors: dict, name: str) -> None:
    value = values.get(name)
    if isinstance(value, str) and value:
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            errors[name] = [_("a date as YYYY-MM-DD")]
            return
    if value in ("", None):
        value = None
    elif not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[name] = [_("a date as YYYY-MM-DD")]
        return
    values[name] = value


def clean_product(values: dict[str, Any]) -> dict[str, Any]:
    """A product's fields: publisher and name required, rules well-formed."""
    clean, errors = dict(values), {}
    _text(clean, errors, "publisher", max_length=100, required=True)
    _text(clean, errors, "name", max_length=150, required=True)
    _text(clean, errors, "version_family", max_length=40, required=False)
    if "description" in clean:
        clean["description"] = clean["description"] or ""
    if "match_rules" in clean:
        try:
            clean["match_rules"] = clean_rules(clean["match_rules"] or [])
        except ValueError as exc:
            errors["match_rules"] = [str(exc)]
    if errors:
        raise ValidationFailed(errors)
    return clean


def clean_licence(values: dict[str, Any], current: Any = None) -> dict[str, Any]:
    """A licence's own fields, checked against each other with the stored values of those
    not given: end on or after start, a subscription needs an end, counts need a quantity."""
    clean, errors = dict(values), {}
    if "metric" in clean and clean["metric"] not in Metric.values:
        errors["metric"] = [_("one of %(choices)s") % {"choices": ", ".join(Metric.values)}]
    if "term" in clean and clean["term"] not in Term.values:
        errors["term"] = [_("one of %(choices)s") % {"choices": ", ".join(Term.values)}]
    if "quantity" in clean:
        q = clean["quantity"]
        if isinstance(q, bool) or not isinstance(q, int) or not 0 <= q <= MAX_QUANTITY:
            errors["quantity"] = [_("a whole number from 0 to %(max)s") % {"max": MAX_QUANTITY}]
    if "cost" in clean:
        try:
            cost = Decimal(str(clean["cost"] if clean["cost"] is not None else "0"))
        except (InvalidOperation, ValueError):
            cost = Decimal(-1)
        if not cost.is_finite() or cost < 0 or cost > MAX_COST or cost != round(cost, 2):
            errors["cost"] = [_("an amount of 0 or more, with at most two decimals")]
        else:
            clean["cost"] = cost
    if "start_date" in clean and clean["start_date"] in ("", None):
        errors["start_date"] = [_("required, a date as YYYY-MM-DD")]
    for name in ("start_date", "end_date"):
        if name in clean and name not in errors:
            _date(clean, errors, name)
    _text(clean, errors, "purchase_order", max_length=60, required=False)
    _text(clean, errors, "vendor", max_length=100, required=False)
    if "notes" in clean:
        clean["notes"] = clean["notes"] or ""

    def now(name: str) -> Any:
        return clean[name] if name in clean else getattr(current, name, None)

    start, end = now("start_date"), now("end_date")
    if "start_date" not in errors and "end_date" not in errors and start and end and end < start:
        errors["end_date"] = [
            _("must be on or after the start date %(start)s") % {"start": start.isoformat()}
        ]
    if now("term") == Term.SUBSCRIPTION and not end and "end_date" not in errors:
        errors["end_date"] = [_("a subscription needs the end of its term")]
    metric = now("metric")
    if metric in (Metric.DEVICE, Metric.USER, Metric.CORE) and not now("quantity"):
        errors.setdefault("quantity", [_("at least 1 for a counted metric")])
    if errors:
        raise ValidationFailed(errors)
    return clean


def clean_cores(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise ValidationFailed.one(
            "cores", _("a whole number from 0 to %(max)s") % {"max": 100_000}
        )
    return value
