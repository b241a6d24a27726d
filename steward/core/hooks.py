"""After-write hooks: a domain app's service tells what it just wrote, inside its own
transaction, to listeners another app registered (automation's rules, decision 0101).

The writing app imports only this module, never its listeners (imports point one way). With
no listener registered a ``fire`` costs nothing; a listener decides itself, cheaply, whether
it has anything to do. While a listener works (``quiet``), writes it makes fire nothing: a
rule's own changes never trigger rules again (no loops).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from steward.core import stamps
from steward.core.actor import Actor

INCIDENT_CREATED = "incident.created"
INCIDENT_UPDATED = "incident.updated"
# an SLA clock crossed a threshold: the record is the clock, ``changed`` is ``(threshold,)``;
# fired by the one writer of its unique event row (sla/services/events.py), so once per clock
# and threshold
SLA_THRESHOLD = "sla.threshold"

# a listener returns whether it changed the record (the caller then reads it anew)
Listener = Callable[[Actor, Any, Sequence[str]], bool]
_listeners: dict[str, list[Listener]] = defaultdict(list)
_local = threading.local()


def register(event: str, listener: Listener) -> None:
    """Call ``listener(actor, record, changed)`` after every ``event`` (once per function)."""
    if listener not in _listeners[event]:
        _listeners[event].append(listener)


def unregister(event: str, listener: Listener) -> None:
    if listener in _listeners[event]:
        _listeners[event].remove(listener)


def fire(event: str, actor: Actor, record: Any, changed: Sequence[str] = ()) -> bool:
    """Tell the listeners of ``event`` about ``record`` (in the writer's transaction: a
    listener's error rolls the write back); whether one of them changed it. Nothing while a
    listener's own writes run (``quiet``)."""
    listeners = _listeners.get(event)
    if not listeners or getattr(_local, "quiet", 0):
        return False
    touched = False
    for listener in list(listeners):
        touched = bool(listener(actor, record, changed)) or touched
    return touched


def fire_each(
    event: str, actor: Actor, records: Sequence[Any], changed: Sequence[str] = ()
) -> list[Any]:
    """``fire`` for each of ``records`` written together (an import's batch), with the cached
    configuration's stamps read once for the batch (``stamps.held``): the records a listener
    changed, in order."""
    listeners = _listeners.get(event)
    if not listeners or getattr(_local, "quiet", 0) or not records:
        return []
    with stamps.held():
        return [record for record in records if fire(event, actor, record, changed)]


@contextmanager
def quiet() -> Iterator[None]:
    """The writes inside fire no hook (a listener's own changes)."""
    _local.quiet = getattr(_local, "quiet", 0) + 1
    try:
        yield
    finally:
        _local.quiet -= 1


def is_quiet() -> bool:
    return bool(getattr(_local, "quiet", 0))
