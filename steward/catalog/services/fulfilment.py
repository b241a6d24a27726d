"""Fulfilment actions: work another app does when a catalogue task is completed.

A task template may name an ``action`` (``{"title": …, "team": …, "action": "asset.assign"}``);
the app that does the work registers it when it starts (assets: ``asset.assign``), so the
catalogue imports no other domain app. Completing the task runs the action in the same
transaction: a refusal (no laptop in stock) leaves the task open with the reason on its
form, and the text the action returns is added to the task's notes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from steward.core.actor import Actor


@dataclass(frozen=True)
class Fulfilment:
    """What an action is told: the request's number, requester and answers, and the task."""

    request: str
    task: str
    requester: Any  # a User
    organisation_id: int | None
    answers: dict[str, Any]


Action = Callable[[Actor, Fulfilment], str]
ACTIONS: dict[str, tuple[str, Action]] = {}


def register_action(name: str, label: str, run: Action) -> None:
    """``run(actor, fulfilment)`` does the work and returns a line for the task's notes."""
    ACTIONS[name] = (label, run)


def action_names() -> list[str]:
    return sorted(ACTIONS)


def run_action(actor: Actor, name: str, fulfilment: Fulfilment) -> str:
    """Run a registered action (an unknown one was refused when the item was saved; one
    whose app is gone now does nothing rather than blocking the task)."""
    found = ACTIONS.get(name)
    if found is None:
        return ""
    return found[1](actor, fulfilment)
