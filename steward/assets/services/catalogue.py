"""Categories, models and stock rooms: the reference data assets point at."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from steward.assets.choices import Depreciation
from steward.assets.models import AssetModel, Category, StockLevel, StockRoom
from steward.assets.selectors.catalogue import deployable_classes
from steward.assets.services.assets import require_write
from steward.assets.services.validation import ref, text
from steward.core import audit
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import NotFound, ValidationFailed
from steward.core.services.common import reject_unknown, unique_or_refused
from steward.core.services.records import RecordRules, record_update


def _percent(field: str, value: Any, *, what: str) -> Decimal:
    """A percentage from 0 to 100 with at most two decimals; refusals name ``field``."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationFailed.one(field, gettext("a percentage, e.g. 12.5"))
    try:
        percent = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed.one(field, gettext("a percentage, e.g. 12.5")) from exc
    if not percent.is_finite():
        raise ValidationFailed.one(field, gettext("a percentage, e.g. 12.5"))
    if percent < 0:
        raise ValidationFailed.one(field, gettext("may not be negative"))
    if percent > 100:
        raise ValidationFailed.one(field, gettext("at most 100: %(what)s") % {"what": what})
    if percent != percent.quantize(Decimal("0.01")):
        raise ValidationFailed.one(field, gettext("at most two decimals"))
    return percent.quantize(Decimal("0.01"))


def _schedule(prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    method = values.get(f"{prefix}_method")
    if method is not None:
        if method not in Depreciation.values:
            raise ValidationFailed.one(
                f"{prefix}_method",
                gettext("one of %(value)s") % {"value": ", ".join(Depreciation.values)},
            )
        clean[f"{prefix}_method"] = method
    life = values.get(f"{prefix}_life_years")
    if life is not None:
        if isinstance(life, bool) or not isinstance(life, int) or not 1 <= life <= 50:
            raise ValidationFailed.one(f"{prefix}_life_years", gettext("whole years from 1 to 50"))
        clean[f"{prefix}_life_years"] = life
    rate = values.get(f"{prefix}_rate")
    if rate is not None:
        clean[f"{prefix}_rate"] = _percent(
            f"{prefix}_rate", rate, what="a year may not write off more than the value"
        )
    residual = values.get(f"{prefix}_residual_percent")
    if residual is not None:
        # a share of each asset's cost: a category spans many costs, and a fixed amount
        # would be above the cost of its cheaper assets (docs/assets.md#residual-value)
        clean[f"{prefix}_residual_percent"] = _percent(
            f"{prefix}_residual_percent", residual, what="a residual above the cost"
        )
    return clean


@transaction.atomic
def category_create(actor: Actor, *, name: str, ci_class: str = "", **values: Any) -> Category:
    """A category with its book and tax schedules (validated as on update)."""
    require_write(actor)
    ci_class = _ci_class(ci_class)
    reject_unknown(values, CATEGORY_FIELDS)
    name = text("name", name, required=True)[:120]
    slug = slugify(name)[:60]
    if not slug:
        raise ValidationFailed.one("name", gettext("needs letters or digits"))
    if Category.objects.filter(slug=slug).exists():
        raise ValidationFailed.one("name", gettext("a category of this name exists"))
    clean = _schedule("book", values) | _schedule("tax", values)
    exists = gettext("a category of this name exists")
    with unique_or_refused(Category, {"name": exists, "slug": exists}, named={"slug": "name"}):
        category = Category.objects.create(name=name, slug=slug, ci_class=ci_class, **clean)
    audit.record(actor, category, action=AuditAction.CREATE, after={"name": name})
    return category


CATEGORY_FIELDS = {
    "name",
    "ci_class",
    "book_method",
    "book_life_years",
    "book_rate",
    "tax_method",
    "tax_life_years",
    "tax_rate",
    "book_residual_percent",
    "tax_residual_percent",
}
MODEL_FIELDS = {"manufacturer", "name", "category", "warranty_months"}


def _ci_class(value: Any) -> str:
    """Empty (not tracked in the CMDB) or a class a deploy can create a CI of: accepted here,
    an unknown class or one needing attributes a deploy does not know refused every deploy
    of the category's assets later."""
    value = text("ci_class", value)
    if len(value) > 60:
        raise ValidationFailed.one("ci_class", gettext("at most 60 characters"))
    if value and value not in deployable_classes():
        raise ValidationFailed.one(
            "ci_class",
            gettext(
                "“%(value)s” is not a CMDB class a deployed asset can become"
                " (an active class needing no attribute but the serial number)"
            )
            % {"value": value},
        )
    return value


CATEGORY_RULES = RecordRules(
    editable=CATEGORY_FIELDS,
    audited=sorted(CATEGORY_FIELDS),
    event="asset_category.updated",
    payload=lambda c: {"slug": c.slug},
)


@transaction.atomic
def category_update(
    actor: Actor, *, slug: str, changes: dict[str, Any], expected_version: int | None = None
) -> Category:
    """Change a category's name, CMDB class or schedules (residual values included); every
    asset of it is valued by the new schedules from then on (book values are computed,
    never stored). The slug stays, so links and imports keep working after a rename.
    ``expected_version`` (the API's If-Match, the form's hidden field): 412 when stale."""

    def load() -> Category:
        require_write(actor)
        found = Category.objects.select_for_update().filter(slug=slug).first()
        if found is None:
            raise NotFound()
        return found

    def clean(category: Category, values: dict[str, Any]) -> dict[str, Any]:
        cleaned = _schedule("book", values) | _schedule("tax", values)
        for name in ("name", "ci_class") + tuple(f"{p}_method" for p in ("book", "tax")):
            if name in values and values[name] is None:
                raise ValidationFailed.one(name, gettext("required"))
        if "name" in values:
            cleaned["name"] = text("name", values["name"], required=True)[:120]
            clash = Category.objects.filter(name__iexact=cleaned["name"])
            if clash.exclude(pk=category.pk).exists():
                raise ValidationFailed.one("name", gettext("a category of this name exists"))
        if "ci_class" in values:
            cleaned["ci_class"] = _ci_class(values["ci_class"])
        return cleaned

    return record_update(
        actor,
        load=load,
        rules=CATEGORY_RULES,
        expected_version=expected_version,
        changes=changes,
        clean=clean,
    ).record


def _category(value: Any) -> Category:
    found = ref(Category.objects.all(), "category", value, key="slug", label="category")
    if found is None:
        raise ValidationFailed.one("category", gettext("required"))
    return found


def _warranty(months: Any) -> int:
    """Whole months from 0 to 240 (a bool or a numeric string is not a month count)."""
    if isinstance(months, bool) or not isinstance(months, int) or not 0 <= months <= 240:
        raise ValidationFailed.one("warranty_months", gettext("from 0 to 240"))
    return months


@transaction.atomic
def model_create(
    actor: Actor, *, manufacturer: str, name: str, category: str, warranty_months: int = 0
) -> AssetModel:
    """A make and model; its warranty term is inherited by its assets."""
    require_write(actor)
    manufacturer = text("manufacturer", manufacturer, required=True)[:120]
    name = text("name", name, required=True)[:120]
    found = _category(category)
    warranty_months = _warranty(warranty_months)
    if AssetModel.objects.filter(manufacturer__iexact=manufacturer, name__iexact=name).exists():
        raise ValidationFailed.one(
            "name", gettext("this manufacturer already has a model of this name")
        )
    has_it = gettext("this manufacturer already has a model of this name")
    with unique_or_refused(
        AssetModel, {"name": has_it, "manufacturer": has_it}, named={"manufacturer": "name"}
    ):
        model = AssetModel.objects.create(
            manufacturer=manufacturer, name=name, category=found, warranty_months=warranty_months
        )
    audit.record(actor, model, action=AuditAction.CREATE, after={"name": str(model)})
    return model


MODEL_RULES = RecordRules(
    editable=MODEL_FIELDS,
    audited=sorted(MODEL_FIELDS),
    event="asset_model.updated",
    payload=lambda m: {"id": m.pk},
)


@transaction.atomic
def model_update(
    actor: Actor, *, pk: int, changes: dict[str, Any], expected_version: int | None = None
) -> AssetModel:
    """Change a model's make, name, category or warranty term; its assets inherit the new
    term (their warranty end is computed from it, never copied). ``expected_version``:
    412 when stale."""

    def load() -> AssetModel:
        require_write(actor)
        found = AssetModel.objects.select_for_update().filter(pk=pk).first()
        if found is None:
            raise NotFound()
        return found

    def clean(model: AssetModel, values: dict[str, Any]) -> dict[str, Any]:
        cleaned: dict[str, Any] = {}
        for name in ("manufacturer", "name"):
            if name in values:
                cleaned[name] = text(name, values[name], required=True)[:120]
        if "category" in values:
            cleaned["category"] = _category(values["category"])
        if "warranty_months" in values:
            cleaned["warranty_months"] = _warranty(values["warranty_months"])
        manufacturer = cleaned.get("manufacturer", model.manufacturer)
        name = cleaned.get("name", model.name)
        clash = AssetModel.objects.filter(manufacturer__iexact=manufacturer, name__iexact=name)
        if clash.exclude(pk=model.pk).exists():
            raise ValidationFailed.one(
                "name", gettext("this manufacturer already has a model of this name")
            )
        return cleaned

    has_it = gettext("this manufacturer already has a model of this name")
    with unique_or_refused(
        AssetModel, {"name": has_it, "manufacturer": has_it}, named={"manufacturer": "name"}
    ):
        return record_update(
            actor,
            load=load,
            rules=MODEL_RULES,
            expected_version=expected_version,
            changes=changes,
            clean=clean,
        ).record


@transaction.atomic
def stock_room_create(actor: Actor, *, name: str, location: Any = None) -> StockRoom:
    require_write(actor)
    name = text("name", name, required=True)[:120]
    slug = slugify(name)[:60]
    if StockRoom.objects.filter(slug=slug).exists():
        raise ValidationFailed.one("name", gettext("a stock room of this name exists"))
    where = ref(
        core_selectors.location_visible(actor), "location", location, key="pk", label="location"
    )
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
        raise ValidationFailed.one("stock_room" if room is None else "model", gettext("required"))
    if isinstance(reorder_level, bool) or not 0 <= int(reorder_level) <= 1_000_000:
        raise ValidationFailed.one("reorder_level", gettext("from 0 to 1000000"))
    level, _ = StockLevel.objects.update_or_create(
        stock_room=room, model=found, defaults={"reorder_level": reorder_level}
    )
    return level
