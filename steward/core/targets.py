"""Record kinds that carry comments and attachments, and how to find a visible one.

Each domain app registers its record types (``incident`` → ``Incident`` by ``number``) so
core's activity and attachment services can check that the actor may see the parent
before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class TargetKind:
    name: str
    model: type[models.Model]
    key: str
    visible: Callable[[Actor], QuerySet]
    public_replies_to: Callable[[Actor, models.Model], bool] = lambda actor, obj: actor.is_agent
    # The web page of one record, a URL name reversed with the key ("incidents:detail"):
    # where the attachment form goes back to. None: the kind has no record page.
    page: str | None = None
    # Who may list and download its files when that is wider than who may write to it (a
    # published article's readers, while only agents attach to articles). None: visible.
    readable: Callable[[Actor], QuerySet] | None = None
    # The record page's own query for a ``back`` parameter, as that page reads it: the
    # incident page's way back to the queue it was opened from ("?back=…" rebuilt through the
    # reader's scope, decision 0118; "" for none). Forms of other apps on the page (its
    # files, the problems panel) go back there with it. None: the page takes no way back.
    way_back: Callable[[Actor, str], str] | None = None

    def readers(self, actor: Actor) -> QuerySet:
        return (self.readable or self.visible)(actor)


_KINDS: dict[str, TargetKind] = {}


def register(kind: TargetKind) -> None:
    _KINDS[kind.name] = kind


def kind_of(obj: models.Model) -> TargetKind:
    for kind in _KINDS.values():
        if isinstance(obj, kind.model):
            return kind
    raise ValueError(f"{type(obj).__name__} is not a registered target")


def resolve(actor: Actor, ref: str, *, read: bool = False) -> models.Model:
    """``"team/network"`` → the team, if the actor may see it; ``NotFound`` otherwise.
    ``read``: to read its files only (``TargetKind.readable``), never to write."""
    kind_name, _, key = (ref or "").partition("/")
    kind = _KINDS.get(kind_name)
    if kind is None or not key:
        raise ValidationFailed.one(
            "target", f"expected <kind>/<key> with kind one of: {', '.join(sorted(_KINDS))}"
        )
    scope = kind.readers(actor) if read else kind.visible(actor)
    obj = scope.filter(**{kind.key: key}).first()
    if obj is None:
        raise NotFound()
    return obj


def ref_of(obj: models.Model) -> str:
    kind = kind_of(obj)
    return f"{kind.name}/{getattr(obj, kind.key)}"


def kind_named(name: str) -> TargetKind | None:
    return _KINDS.get(name)


def page_suffix(actor: Actor, kind: TargetKind, back: str) -> str:
    """The query a record's page is opened with for ``back`` (its ``way_back``), "" for none:
    never ``back``'s own text, only what the page's app rebuilds from it."""
    return kind.way_back(actor, back) if kind.way_back is not None and back else ""


def kind_for_model(model: type[models.Model] | None) -> TargetKind | None:
    return next((k for k in _KINDS.values() if k.model is model), None)
