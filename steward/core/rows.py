"""Model objects from rows already read, for reads that list thousands of them.

The ORM's own materialisation (``Model.from_db`` → ``__init__`` per row, per related object)
was most of the time of a month calendar of 5,000 changes and of an impact answer of 5,000
CIs (docs/benchmarks-changes.md, docs/benchmarks-cmdb.md). ``loaded`` makes the object
``from_db`` would make for the same fields: those given are loaded, every other field is
deferred (reading one costs a query, as with ``only``). Models with their own ``__init__``
or ``from_db`` must not be built this way.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.base import ModelState


def loaded(model: type[models.Model], db: str, values: dict[str, Any]) -> Any:
    """An instance of ``model`` as read from database ``db`` with these field values
    (attribute names: ``team_id``, not ``team``)."""
    obj = model.__new__(model)
    obj.__dict__.update(values)
    obj._state = ModelState()
    obj._state.adding, obj._state.db = False, db
    return obj


def cache_related(obj: models.Model, field: str, related: models.Model | None) -> None:
    """What ``select_related`` does for ``field``: ``obj.<field>`` answers without a query."""
    obj._meta.get_field(field).set_cached_value(obj, related)
