"""The update sequence every record app writes the same way, once.

An app's ``<entity>_update`` describes its record with a ``RecordRules`` and calls
``record_update``; what differs per app (field checks, references, workflow moves, derived
fields) comes in as two callables, ``clean`` and ``apply``. What the app does after the
write (extra events, SLA clocks, child records) it does with the returned ``Updated``.

The order is fixed, so every app answers the same way when several things are wrong:
lock and load (``NotFound``), unknown fields (422), stale version (412), a record in a
terminal state (409, ``IllegalTransition`` when a move was asked), ``clean`` (422 / 403 /
409 from the app), snapshot, ``apply``, diff, and, when something changed, the version
bumped with ``F()``, one audit entry and one ``<event>`` outbox row carrying ``changed``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models, transaction

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.errors import Conflict, IllegalTransition
from steward.core.services.common import bump_version, check_version, reject_unknown

M = TypeVar("M", bound=models.Model)
Changes = dict[str, Any]


@dataclass(frozen=True)
class RecordRules(Generic[M]):
    """What ``record_update`` needs to know about one app's record.

    ``audited`` is also what is saved: ``apply`` may change only these fields, and the
    bookkeeping fields named in ``also_saved`` (saved with them, never audited: which import
    source set a CI's values, a change's risk reasons).
    ``related`` reads what the record links to outside its own columns (the numbers of
    linked rows, say): read before and after ``apply``, a difference is audited and named
    in ``changed`` like a field's; ``apply`` writes the links itself. ``relinked_by`` names
    the ``changes`` that can move those links: an update naming none of them (a status move,
    say) cannot, so ``related`` is not read for it (empty: read for every update).
    """

    editable: Collection[str] | Callable[[Actor], Collection[str]]
    audited: Collection[str]
    terminal: Collection[str] = ()
    event: str = ""
    status_field: str = "status"
    also_saved: Collection[str] = ()
    related: Callable[[M], Mapping[str, Any]] | None = None
    relinked_by: Collection[str] = ()
    payload: Callable[[M], Mapping[str, Any]] = field(
        default=lambda obj: {"number": obj.number} if hasattr(obj, "number") else {}
    )

    def editable_for(self, actor: Actor) -> set[str]:
        """The fields this actor may name in ``changes``."""
        fields = self.editable(actor) if callable(self.editable) else self.editable
        return set(fields)


@dataclass
class Updated(Generic[M]):
    """The written record and what changed, for the app's follow-up effects."""

    record: M
    changed: list[str]
    before: dict[str, Any]
    after: dict[str, Any]


def set_fields(obj: models.Model, clean: Changes) -> None:
    """The default ``apply``: assign every cleaned value."""
    for name, value in clean.items():
        setattr(obj, name, value)


def _refuse_terminal(obj: models.Model, rules: RecordRules[Any], changes: Changes) -> None:
    """A record in a terminal state cannot change; asking to move it names the move."""
    if not rules.terminal:  # a record without final states (a policy, a calendar)
        return
    status = getattr(obj, rules.status_field)
    if status not in rules.terminal:
        return
    target = changes.get(rules.status_field)
    if target and target != status:
        raise IllegalTransition(status, target, [])
    label = getattr(obj, "number", obj.pk)
    raise Conflict(
        f"{label} is {status}; it can no longer be changed.",
        fields={rules.status_field: [f"{status} is final"]},
    )


@transaction.atomic
def record_update(
    actor: Actor,
    *,
    load: Callable[[], M],
    rules: RecordRules[M],
    expected_version: int | None,
    changes: Changes,
    clean: Callable[[M, Changes], Changes] = lambda obj, changes: dict(changes),
    apply: Callable[[M, Changes], Mapping[str, Any] | None] = set_fields,
) -> Updated[M]:
    """Lock, check, clean, apply, and audit and announce one record's change.

    ``apply`` may return notes for the audit entry's ``after`` (what a scheduling override
    overrode, say); they are recorded only when something changed."""
    obj = load()  # locked (select_for_update) and scoped to the actor by the app's selector
    reject_unknown(changes, rules.editable_for(actor))
    check_version(obj, expected_version)
    _refuse_terminal(obj, rules, changes)
    cleaned = clean(obj, changes)
    before = audit.snapshot(obj, rules.audited)
    related = rules.related
    if related and rules.relinked_by and not set(rules.relinked_by) & set(changes):
        related = None  # nothing asked for can move a link
    linked_before = dict(related(obj)) if related else {}
    notes = apply(obj, cleaned) or {}
    after = audit.snapshot(obj, rules.audited)
    linked_after = dict(related(obj)) if related else {}
    changed = [name for name in rules.audited if before.get(name) != after.get(name)]
    moved = [name for name, value in linked_after.items() if linked_before.get(name) != value]
    if not changed and not moved:
        return Updated(obj, [], before, after)
    for name in moved:
        before[name], after[name] = linked_before.get(name), linked_after[name]
    after.update(notes)
    bump_version(obj, [*changed, *rules.also_saved])
    audit.record(actor, obj, before=before, after=after)
    changed = [*changed, *moved]
    if rules.event:
        outbox.emit(rules.event, obj, **rules.payload(obj), changed=changed)
    return Updated(obj, changed, before, after)
