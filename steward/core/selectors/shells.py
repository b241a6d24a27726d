"""Model instances built from rows of compiled SQL (``core.selectors.compiled``), for pages
whose templates, forms and tags read models.

Compiling a queryset with ``select_related`` costs Django more than running it (decision
0063: a third of the incident page). A ``Shape`` names a model's own columns and, for each
forward reference the page shows, the few fields it reads of it (each a scalar subquery on
the key, ``core.selectors.references``); ``Shape.built`` turns the rows back into instances
of the model, each reference an instance holding only those fields (the rest deferred),
so ``str(comment.author)`` or ``incident.team.slug`` read as they did, with no query.
"""

from __future__ import annotations

from typing import Any

from django.db import router
from django.db.models import Model, QuerySet

from steward.core.selectors import references

# The incident page's five reads of decision 0063 (the record, its comments, its history and
# the history's names, a record's first files) built from compiled rows. ``False``: each one
# through its model queryset as before (``incident_get``, ``incident_comments``, ...), the
# reference tests/incidents/test_detail_rows.py compares the page with (decision 0072).
BUILT = True


def shell(model: type[Model], db: str, values: dict[str, Any]) -> Model:
    """An instance of ``model`` holding only ``values`` (the rest deferred), as a read of
    those columns would have built it. ``from_db`` takes a part of the columns in the
    model's own order."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


class Shape:
    """A model's own columns and the shown fields of some of its forward references."""

    def __init__(self, model: type[Model], related: dict[str, tuple[str, ...]]) -> None:
        self.model = model
        self.own = tuple(f.attname for f in model._meta.concrete_fields)
        self.related = {
            name: (model._meta.get_field(name), fields) for name, fields in related.items()
        }
        paths = [f"{name}__{shown}" for name, fields in related.items() for shown in fields]
        self.references, self.named = references.named(model, *paths)
        self.lookups = (*self.own, *self.references)

    def values(self, qs: QuerySet) -> QuerySet:
        """``qs`` selecting this shape's columns (a plain ``.values()`` for ``compiled``)."""
        return references.with_references(qs, self.references).values(*self.lookups)

    def built(self, rows: list[dict[str, Any]]) -> list[Model]:
        """The rows as instances, each reference set (an instance, or None)."""
        db = router.db_for_read(self.model)
        out = []
        for row in rows:
            instance = shell(self.model, db, {name: row[name] for name in self.own})
            for name, (field, fields) in self.related.items():
                key = row[field.attname]
                related = None
                if key is not None:
                    shown = {f: row[self.named[f"{name}__{f}"]] for f in fields}
                    target = field.related_model
                    related = shell(target, db, {target._meta.pk.attname: key, **shown})
                setattr(instance, name, related)
            out.append(instance)
        return out
