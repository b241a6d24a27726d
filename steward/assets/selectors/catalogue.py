"""Reads of categories, models and stock rooms, and the stock view (counts per model and
room against reorder levels)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from steward.assets.choices import Status
from steward.assets.models import AssetModel, Category, StockLevel, StockRoom
from steward.assets.selectors.access import can_read
from steward.assets.selectors.assets import asset_visible
from steward.cmdb import selectors as cmdb_selectors
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.models import Location

SUGGESTIONS = 10  # a picker shows this many; typing more narrows them


def category_visible(actor: Actor) -> QuerySet[Category]:
    """Categories are reference data of the asset managers (and administrators)."""
    qs = Category.objects.order_by("name", "id")
    return qs if can_read(actor) else qs.none()


def category_get(actor: Actor, *, slug: str) -> Category:
    """One category by slug; 404 for an absent one or a reader who may not see assets."""
    found = category_visible(actor).filter(slug=slug).first()
    if found is None:
        raise NotFound()
    return found


def category_list(actor: Actor) -> list[Category]:
    """Every category with its number of models and its CMDB class's name (``ci_class_name``;
    two queries, categories and classes are few)."""
    found = list(category_visible(actor).annotate(model_count=Count("models")))
    names = {slug: c.name for slug, c in cmdb_selectors.class_tree().by_slug.items()}
    for category in found:
        category.ci_class_name = names.get(category.ci_class, category.ci_class)
    return found


def deployable_classes() -> dict[str, str]:
    """The CMDB classes a category may name, slug → name: active ones whose CIs need no
    attribute but the serial number, the only one a deploy knows (a Network device needs
    its device type: a deploy could never create it)."""
    tree = cmdb_selectors.class_tree()
    return {
        cls.slug: cls.name
        for cls in tree.by_slug.values()
        if cls.is_active
        and not [
            name
            for name, spec in tree.schema(cls).items()
            if spec.get("required") and name != "serial_number"
        ]
    }


def ci_class_choices(actor: Actor) -> list[tuple[str, str]]:
    """The classes a category may name, as (slug, name), by name."""
    if not can_read(actor):
        return []
    return sorted(deployable_classes().items(), key=lambda c: c[1])


def model_visible(actor: Actor) -> QuerySet[AssetModel]:
    qs = AssetModel.objects.select_related("category").order_by("manufacturer", "name", "id")
    return qs if can_read(actor) else qs.none()


def stock_room_visible(actor: Actor) -> QuerySet[StockRoom]:
    qs = StockRoom.objects.select_related("location").order_by("name")
    return qs if can_read(actor) else qs.none()


def model_list(actor: Actor) -> list[AssetModel]:
    """Every model with its category and number of assets (one query; models are a few
    hundred at most, the asset count comes from the ``ast_model`` index)."""
    return list(model_visible(actor).annotate(asset_count=Count("assets")))


def model_suggest(actor: Actor, *, q: str) -> list[AssetModel]:
    """Models whose manufacturer or name holds every word of ``q`` (the model picker)."""
    qs = model_visible(actor)
    for word in q.split()[:4]:
        qs = qs.filter(Q(manufacturer__icontains=word) | Q(name__icontains=word))
    return list(qs[:SUGGESTIONS])


def location_suggest(actor: Actor, *, q: str) -> list[Location]:
    """Locations whose name holds every word of ``q`` (the location picker of asset forms)."""
    qs = location_choices(actor)
    for word in q.split()[:4]:
        qs = qs.filter(name__icontains=word)
    return list(qs[:SUGGESTIONS])


def model_get(actor: Actor, *, pk: int) -> AssetModel:
    found = model_visible(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def stock_room_get(actor: Actor, *, slug: str) -> StockRoom:
    found = stock_room_visible(actor).filter(slug=slug).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class StockLine:
    stock_room: StockRoom
    model: AssetModel
    in_stock: int
    reorder_level: int

    @property
    def below(self) -> bool:
        return self.in_stock < self.reorder_level


def stock_view(actor: Actor) -> list[StockLine]:
    """Per stock room and model: assets in stock against the reorder level; a model with a
    level and none in stock is listed too (that is the one to reorder). Two queries plus
    the rooms and models they name."""
    counts = (
        asset_visible(actor)
        .filter(status=Status.IN_STOCK, stock_room__isnull=False)
        .values("stock_room", "model")
        .annotate(n=Count("id"))
    )
    found = {(c["stock_room"], c["model"]): c["n"] for c in counts}
    levels = {
        (lv.stock_room_id, lv.model_id): lv.reorder_level
        for lv in StockLevel.objects.all()
        if can_read(actor)
    }
    keys = set(found) | set(levels)
    rooms = {r.pk: r for r in stock_room_visible(actor).filter(pk__in={k[0] for k in keys})}
    models = {m.pk: m for m in model_visible(actor).filter(pk__in={k[1] for k in keys})}
    lines = [
        StockLine(rooms[r], models[m], found.get((r, m), 0), levels.get((r, m), 0))
        for r, m in keys
        if r in rooms and m in models
    ]
    return sorted(lines, key=lambda line: (line.stock_room.name, str(line.model)))


def location_choices(actor: Actor) -> QuerySet[Location]:
    """Locations to file an asset under: those of the organisations the reader may see and
    the shared ones (another organisation's sites are its own to name)."""
    qs = core_selectors.location_visible(actor).order_by("name")
    return qs if can_read(actor) else qs.none()
