"""The status-workflow engine: transitions declared as data, checked by services.

A record type declares ``Workflow(field="status", transitions=[Transition(...), ...])``;
services call ``check``; the UI renders buttons from ``allowed``.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.utils.translation import gettext

from steward.core.errors import IllegalTransition, ValidationFailed

Guard = Callable[[Any, Mapping[str, Any]], str | None]  # returns a reason to refuse, or None


@dataclass(frozen=True)
class Transition:
    """One allowed move; ``requires`` names fields that must be non-empty for it, ``clears``
    those the move empties (unless the same change sets them)."""

    source: str
    target: str
    requires: tuple[str, ...] = ()
    clears: tuple[str, ...] = ()
    guard: Guard | None = None
    label: str = ""


@dataclass(frozen=True)
class Move:
    """A status move a page offers: the target state, the button's label, whether it is the
    main button."""

    target: str
    label: str
    primary: bool


@dataclass
class Workflow:
    """A record type's states and transitions."""

    states: tuple[str, ...]
    transitions: Iterable[Transition]
    field: str = "status"
    _by_source: dict[str, list[Transition]] = dataclass_field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.transitions = tuple(self.transitions)
        self._by_source = {}
        for t in self.transitions:
            if t.source not in self.states or t.target not in self.states:
                raise ValueError(f"transition {t.source}->{t.target} uses an undeclared state")
            self._by_source.setdefault(t.source, []).append(t)

    def allowed(self, source: str) -> list[str]:
        """Target states reachable in one move from ``source``."""
        return [t.target for t in self._by_source.get(source, [])]

    def transition(self, source: str, target: str) -> Transition | None:
        return next((t for t in self._by_source.get(source, []) if t.target == target), None)

    def moves(
        self, source: str, targets: Iterable[str], *, primary: Container[str] = ()
    ) -> tuple[Move, ...]:
        """The ``targets`` (what the actor may do from ``source``) as buttons, labelled as
        the transitions name them."""
        return tuple(
            Move(
                target=target,
                label=(move.label if (move := self.transition(source, target)) else "") or target,
                primary=target in primary,
            )
            for target in targets
        )

    def check(self, record: Any, *, target: str, data: Mapping[str, Any]) -> Transition:
        """Raise ``IllegalTransition`` or ``ValidationFailed`` unless the move may happen."""
        source = getattr(record, self.field)
        if target not in self.states:
            raise ValidationFailed.one(self.field, f"unknown state {target!r}")
        move = self.transition(source, target)
        if move is None:
            raise IllegalTransition(source, target, self.allowed(source))
        missing = {
            name: [gettext("required for this status change")]
            for name in move.requires
            if data.get(name) in (None, "", []) and getattr(record, name, None) in (None, "", [])
        }
        if missing:
            raise ValidationFailed(missing)
        if move.guard is not None:
            reason = move.guard(record, data)
            if reason:
                raise ValidationFailed({self.field: [reason]}, message=reason)
        return move
