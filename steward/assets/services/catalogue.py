"""Categories, models and stock rooms: the reference data assets point at."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from steward.assets.choices import Depreciation
from steward.assets.models import AssetModel, Category, StockLevel, StockRoom
from steward.assets.services.assets import require_write
from steward.assets.services.validation import ref, text
from steward.core import audit
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import ValidationFailed
from steward.core.models import Location


def _schedule(prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    method = values.get(f"{prefix}_method")
    if method is not None:
        if method not in Depreciation.values:
            raise ValidationFailed.one(
                f"{prefix}_method", f"one of {', '.join(Depreciation.values)}"
            )
        clean[f"{prefix}_method"] = method
    life = values.get(f"{prefix}_life_years")
    if life is not None:
        if isinstance(life, bool) or not isinstance(life, int) or not 1 <= life <= 50:
            raise ValidationFailed.one(f"{prefix}_life_years", "whole years from 1 to 50")
        clean[f"{prefix}_life_years"] = life
    rate = values.get(f"{prefix}_rate")
    if rate is not None:
        rate = Decimal(str(rate))
        if not Decimal(0) <= rate <= Decimal(100):
            raise ValidationFailed.one(f"{prefix}_rate", "a percentage from 0 to 100")
        clean[f"{prefix}_rate"] = rate
    return clean


@transaction.atomic
def category_create(actor: Actor, *, name: str, ci_class: str = "", **values: Any) -> Category:
    require_write(actor)
    name = text("name", name, required=True)
    slug = slugify(name)[:60]
    if Category.objects.filter(slug=slug).exists():
        raise ValidationFailed.one("name", "a category of this name exists")
    clean = _schedule("book", values) | _schedule("tax", values)
    category = Category.objects.create(name=name, slug=slug, ci_class=ci_class, **clean)
    audit.record(actor, category, action=AuditAction.CREATE, after={"name": name})
    return category


@transaction.atomic
def model_create(
    actor: Actor, *, manufacturer: str, name: str, category: str, warranty_months: int = 0
) -> AssetModel:
    """A make and model; its warranty term is inherited by its assets."""
    require_write(actor)
    manufacturer = text("manufacturer", manufacturer, required=True)[:120]
    name = text("name", name, required=True)[:120]
    found = ref(Category.objects.all(), "category", category, key="slug", label="category")
    if found is None:
        raise ValidationFailed.one("category", "required")
    if isinstance(warranty_months, bool) or not 0 <= int(warranty_months) <= 240:
        raise ValidationFailed.one("warranty_months", "from 0 to 240")
    if AssetModel.objects.filter(manufacturer__iexact=manufacturer, name__iexact=name).exists():
        raise ValidationFailed.one("name", "this manufacturer already has a model of this name")
    model = AssetModel.objects.create(
        manufacturer=manufacturer, name=name, category=found, warranty_months=warranty_months
    )
    audit.record(actor, model, action=AuditAction.CREATE, after={"name": str(model)})
    return model


@transaction.atomic
def stock_room_create(actor: Actor, *, name: str, location: Any = None) -> StockRoom:
    require_write(actor)
    name = text("name", name, required=True)[:120]
    slug = slugify(name)[:60]
    if StockRoom.objects.filter(slug=slug).exists():
        raise ValidationFailed.one("name", "a stock room of this name exists")
    where = ref(Location.objects.all(), "location", location, key="pk", label="location")
    room = StockRoom.objects.create(name=name, slug=slug, location=where)
    audit.record(actor, room, action=AuditAction.CREATE, after={"name": name})
    return room


@transaction.atomic
def stock_level_set(actor: Actor, *, stock_room: str, model: int, reorder_level: int) -> StockLevel:
    """The count below which a model in a room is shown as to reorder."""
    require_write(actor)
    room = ref(StockRoom.objects.all(), "stock_room", stock_room, key="slug", label="stock room")
    found = ref(AssetModel.objects.all(), "model", model, key="pk", label="model")
    if room is None or found is None:
        raise ValidationFailed.one("stock_room" if room is None else "model", "required")
    if isinstance(reorder_level, bool) or not 0 <= int(reorder_level) <= 1_000_000:
        raise ValidationFailed.one("reorder_level", "from 0 to 1000000")
    level, _ = StockLevel.objects.update_or_create(
        stock_room=room, model=found, defaults={"reorder_level": reorder_level}
    )
    return level
