"""Pure checks every asset write path calls (single, import, demo): references, money,
dates, unique tag and serial. Each refusal names its field."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from steward.assets.models import Asset, AssetModel, StockRoom
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.models import Location
from steward.core.services.common import unknown_ref
from steward.core.text import is_single_line

MAX_MONEY = Decimal("999999999999.99")
TEXT_LIMITS = {"asset_tag": 64, "serial_number": 100, "vendor": 120, "purchase_order": 60}


def money(field: str, value: Any) -> Decimal:
    """A non-negative amount with at most two decimals."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed.one(field, _("a number, e.g. 1299.00")) from exc
    if not amount.is_finite():
        raise ValidationFailed.one(field, _("a number, e.g. 1299.00"))
    if amount < 0:
        raise ValidationFailed.one(field, _("may not be negative"))
    if amount > MAX_MONEY or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed.one(field, _("at most 999999999999.99, in cents"))
    return amount


def date(field: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed.one(field, _("a date as YYYY-MM-DD")) from exc


def text(field: str, value: Any, *, required: bool = False) -> str:
    value = "" if value is None else value
    if not isinstance(value, str):
        raise ValidationFailed.one(field, _("text"))
    value = value.strip()
    if required and not value:
        raise ValidationFailed.one(field, _("required"))
    if not is_single_line(value):
        raise ValidationFailed.one(field, _("one line, without control characters"))
    limit = TEXT_LIMITS.get(field)
    if limit and len(value) > limit:
        raise ValidationFailed.one(field, _("at most %(limit)s characters") % {"limit": limit})
    return value


# the references read in a ``references_read_once`` block: (actor, field, key, value) -> row
_read: contextvars.ContextVar[dict[tuple, Any] | None] = contextvars.ContextVar(
    "asset_references_read", default=None
)


@contextmanager
def references_read_once() -> Iterator[None]:
    """Inside the block, a reference that ``ref`` resolves for an actor (the same field, key
    and value, so the same scoped rows) is read once: a loader writing hundreds of assets
    through the services, each naming one of a few models, teams, rooms, people and sites
    (``assets/demo.py``), reads each of them once instead of once per asset. Every value is
    still checked (a reference never read before is read; an unknown one is the same 422).
    Only for a block in which no referenced row changes: one loader's transaction."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def ref(
    qs: QuerySet, field: str, value: Any, *, key: str, label: str, actor: Actor | None = None
) -> Any:
    """The referenced row, or a 422 naming the field; an id must be a whole number.

    ``actor``: the actor ``qs`` was built for; given, a row found inside
    ``references_read_once`` for the same actor, field, key and value is not read again, so
    a caller passing it builds ``qs`` from the field and the actor alone (the same rows for
    every call naming them). Without it the row is read every time."""
    if value in (None, ""):
        return None
    if key in ("pk", "id"):
        if isinstance(value, bool) or not str(value).isdigit() or len(str(value)) > 18:
            raise ValidationFailed.one(field, _("the id of a %(label)s") % {"label": label})
        value = int(value)
    elif not isinstance(value, str):
        raise ValidationFailed.one(
            field, _("the %(key)s of a %(label)s") % {"key": key, "label": label}
        )
    read = _read.get() if actor is not None else None
    memo = (actor, qs.model, field, key, value)
    if read is not None and memo in read:
        return read[memo]
    found = qs.filter(**{key: value}).first()
    if found is None:
        raise unknown_ref(field, label, value)
    if read is not None:
        read[memo] = found
    return found


def unique(field: str, value: str, asset: Asset | None) -> None:
    """Asset tags and serial numbers each name one asset."""
    # UPPER() = UPPER(): what ``iexact`` means, through the unique index (ast_tag_upper_unique)
    others = Asset.objects.alias(key=Upper(field)).filter(key=value.upper())
    if asset is not None and asset.pk:
        others = others.exclude(pk=asset.pk)
    if value and others.exists():
        label = "asset tag" if field == "asset_tag" else "serial number"
        raise ValidationFailed.one(field, _("another asset has this %(label)s") % {"label": label})


# what the database names in the refusal: the case-blind index, or the column's own
# (SQLite: "assets_asset.asset_tag"; PostgreSQL: "assets_asset_asset_tag_key")
UNIQUE_CONSTRAINTS = {
    ("ast_tag_upper_unique", "assets_asset.asset_tag", "assets_asset_asset_tag_key"): (
        "asset_tag",
        "asset tag",
    ),
    (
        "ast_serial_upper_unique",
        "assets_asset.serial_number",
        "assets_asset_serial_number_key",
    ): ("serial_number", "serial number"),
}


def taken(exc: Exception) -> ValidationFailed | None:
    """The 422 for an insert or update that lost a race for a tag or serial (``unique``
    passed in both transactions; the unique index refused the second); None for any other
    integrity error."""
    for names, (field, label) in UNIQUE_CONSTRAINTS.items():
        if any(name in str(exc) for name in names):
            return ValidationFailed.one(
                field, _("another asset has this %(label)s") % {"label": label}
            )
    return None


def clean_fields(actor: Actor, values: dict[str, Any], asset: Asset | None) -> dict[str, Any]:
    """Checked values for the asset fields present in ``values``."""
    clean: dict[str, Any] = {}
    for name in ("asset_tag", "serial_number"):
        if name in values:
            clean[name] = text(name, values[name], required=True)
            unique(name, clean[name], asset)
    for name in ("vendor", "purchase_order"):
        if name in values:
            clean[name] = text(name, values[name])
    if "notes" in values:
        clean["notes"] = str(values["notes"] or "")[:20_000]
    if "holds_data" in values:
        if not isinstance(values["holds_data"], bool):
            raise ValidationFailed.one("holds_data", _("true or false"))
        clean["holds_data"] = values["holds_data"]
    if "cost" in values:
        clean["cost"] = money("cost", values["cost"] if values["cost"] is not None else 0)
    if "purchase_date" in values:
        clean["purchase_date"] = date("purchase_date", values["purchase_date"])
    refs = {
        "model": (AssetModel.objects.all(), "pk", "model"),
        "location": (core_selectors.location_visible(actor), "pk", "location"),
        "stock_room": (StockRoom.objects.all(), "slug", "stock room"),
        "owner_team": (core_selectors.team_visible(actor), "slug", "team"),
        "assignee": (
            core_selectors.user_visible(actor).filter(is_active=True),
            "username",
            "person",
        ),
        "organisation": (core_selectors.organisation_visible(actor), "slug", "organisation"),
    }
    for name, (qs, key, label) in refs.items():
        if name in values:
            clean[name] = ref(qs, name, values[name], key=key, label=label, actor=actor)
    if "model" in clean and clean["model"] is None:
        raise ValidationFailed.one("model", _("required"))
    return clean


def location(actor: Actor, field: str, value: Any) -> Location | None:
    """A location the actor may see (of an organisation they serve, or shared) by id (a whole
    number) or by its name (exact, else the one name equal whatever the case); None clears
    it. A refusal names ``field``; another organisation's site is as absent."""
    if value in (None, ""):
        return None
    visible = core_selectors.location_visible(actor)
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        return ref(visible, field, value, key="pk", label="location", actor=actor)
    if not isinstance(value, str):
        raise ValidationFailed.one(field, _("the id or the name of a location"))
    name = value.strip()
    found = visible.filter(name=name).first()
    if found is None:
        same = list(visible.filter(name__iexact=name)[:2])
        found = same[0] if len(same) == 1 else None
    if found is None:
        raise ValidationFailed.one(field, _("no location %(name)s") % {"name": repr(name)})
    return found
