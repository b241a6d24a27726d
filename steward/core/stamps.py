"""Per-process caches that stay correct across processes: a version stamp in the database.

A request reads every stamp once, with one small statement (``current``); a cache keeps its
value with the stamp it was loaded under and reloads when the stamp moved. Saving or deleting
a guarded model bumps its stamp in the same transaction (signals, steward/core/apps.py), so
the new stamp becomes visible to every worker process in the same commit as the change.

A bump writes a new *random* stamp, never ``version + 1``: a rolled-back write (or a test's
transaction) can then never leave a stamp that a later, different change reuses, so a value
loaded inside a transaction that rolled back is never taken for current.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from django.core.signals import request_finished, request_started
from django.db import connection

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
AUTH = "auth"  # tokens, users' activity, passwords, roles
INCIDENT_CONFIG = "incident_config"  # priority matrix, categories
SLA_CONFIG = "sla_config"  # SLA policies and business calendars
CATALOG_CONFIG = "catalog_config"  # catalogue items and services (what ordering reads)
MAIL_CONFIG = "mail_config"  # mailboxes and the teams, categories, organisations they name
SESSIONS = "sessions"  # browser sessions changed or ended (steward/core/sessions.py)
TEAMS = "teams"  # teams' names, slugs and organisations (the filter bars' team lists)
CHANGE_CONFIG = "change_config"  # the risk questionnaire and the change settings
CMDB_CONFIG = "cmdb_config"  # relationship types (each impact walk reads their directions)
SAVED_VIEWS = "saved_views"  # agents' saved queue filters (every incident queue page shows them)
AUTOMATION = "automation"  # automation rules (every incident create and update reads them)
EVENT_WINDOWS = "event_windows"  # maintenance windows (every alert raised or shown reads them)
NAMES = (
    AUTH,
    INCIDENT_CONFIG,
    SLA_CONFIG,
    CATALOG_CONFIG,
    MAIL_CONFIG,
    SESSIONS,
    TEAMS,
    CHANGE_CONFIG,
    CMDB_CONFIG,
    SAVED_VIEWS,
    AUTOMATION,
    EVENT_WINDOWS,
)

_local = threading.local()  # the stamps this request read (gthread: one request per thread)


def _read() -> dict[str, int]:
    # plain SQL: this runs on every request and the ORM would cost more than the query
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, version FROM core_cachestamp")
        stamps = dict(cursor.fetchall())
    return {name: stamps.get(name, 0) for name in NAMES}


def current() -> dict[str, int]:
    """Every stamp, read once per request (outside a request: on each call)."""
    stamps = getattr(_local, "stamps", None)
    if stamps is None:
        stamps = _read()
        if getattr(_local, "in_request", False):
            _local.stamps = stamps
    return stamps


@contextmanager
def held() -> Iterator[None]:
    """Outside a request (a worker's batch of work): read the stamps once for the block, as a
    request does, instead of once per cached value used. A bump inside the block still makes
    the next read see the block's own writes."""
    outer = getattr(_local, "in_request", False)
    if outer:
        yield
        return
    _local.stamps, _local.in_request = None, True
    try:
        yield
    finally:
        _local.stamps, _local.in_request = None, False


def bump(*names: str) -> None:
    """Give the stamps new values: runs inside the transaction that changes what they guard."""
    with connection.cursor() as cursor:
        for name in names:
            version = secrets.randbits(62) + 1
            cursor.execute(
                "UPDATE core_cachestamp SET version = %s WHERE name = %s", [version, name]
            )
            if not cursor.rowcount:
                cursor.execute(
                    "INSERT INTO core_cachestamp (name, version) VALUES (%s, %s)", [name, version]
                )
    _local.stamps = None  # this request's later reads see its own writes


def _begin(**_: object) -> None:
    _local.stamps, _local.in_request = None, True


def _end(**_: object) -> None:
    _local.stamps, _local.in_request = None, False


def forget() -> None:
    """Drop every value this process cached under a stamp, and this thread's stamps.

    For a database whose stamps went back to values seen before with other contents: a
    test's rollback or flush puts the seeded stamps back (tests/conftest.py calls this
    around every database test), and a value loaded there at a seeded stamp after a write
    that bumped nothing (QuerySet.update, raw SQL) would otherwise be served to the next
    test at the same stamp. A running server never needs it: every bump is a new random
    value."""
    for versioned in _versioned:
        versioned.clear()
    for clear in _other_caches:
        clear()
    _local.stamps, _local.in_request = None, False


def also_forget(clear: Callable[[], None]) -> None:
    """Register a cache kept outside ``Versioned`` (keyed by a stamp too) for ``forget``."""
    _other_caches.append(clear)


_versioned: list[Versioned | Keyed] = []
_other_caches: list[Callable[[], None]] = []

request_started.connect(_begin, dispatch_uid="steward.stamps.begin")
request_finished.connect(_end, dispatch_uid="steward.stamps.end")


class Versioned(Generic[T]):
    """A value loaded once per process and reloaded when ``stamp`` moves."""

    def __init__(self, stamp: str, load: Callable[[], T]) -> None:
        self.stamp, self.load = stamp, load
        self._version: int | None = None
        self._value: T | None = None
        self._lock = threading.Lock()
        _versioned.append(self)

    def clear(self) -> None:
        with self._lock:
            self._value, self._version = None, None

    def get(self) -> T:
        version = current()[self.stamp]  # read first: a change after it reloads next time
        with self._lock:
            if self._version == version:
                return self._value  # type: ignore[return-value]
        value = self.load()
        with self._lock:
            self._value, self._version = value, version
        return value


class Keyed(Generic[K, T]):
    """Values loaded one key at a time (``load(key)``, which may return ``None`` for "no such
    row": a row created later moves the stamp too), kept while every stamp in ``stamps`` is
    unchanged and dropped all together when one moves; at most ``size`` keys, the least
    recently used dropped first, so a process serving many callers stays bounded."""

    def __init__(self, stamps: tuple[str, ...], load: Callable[[K], T], size: int = 512) -> None:
        self.stamps, self.load, self.size = stamps, load, size
        self._version: tuple[int, ...] | None = None
        self._values: OrderedDict[K, T] = OrderedDict()
        self._lock = threading.Lock()
        _versioned.append(self)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._version = None

    def get(self, key: K) -> T:
        stamps = current()  # read first: a change after it reloads next time
        version = tuple(stamps[name] for name in self.stamps)
        with self._lock:
            if self._version == version and key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = self.load(key)
        with self._lock:
            if self._version != version:
                # values are kept with the stamps they were loaded under (each load follows
                # its stamps' read, so it is at least that new); other stamps' values go
                self._values.clear()
                self._version = version
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value


def guard(stamp: str, *models: type, m2m: tuple = ()) -> None:
    """Bump ``stamp`` whenever one of ``models`` is saved or deleted, or a many-to-many
    ``through`` in ``m2m`` changes (bulk_create and QuerySet.update send no signal: their
    callers bump themselves)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def changed(**_: object) -> None:
        bump(stamp)

    def relation_changed(action: str = "", **_: object) -> None:
        if action.startswith("post_"):
            bump(stamp)

    _receivers.extend([changed, relation_changed])  # signals hold receivers weakly
    for model in models:
        label = model._meta.label
        if stamp not in _guarded.get(label, ()):
            _guarded[label] = (*_guarded.get(label, ()), stamp)
        uid = f"stamps:{stamp}:{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(changed, sender=model, dispatch_uid=uid + ":delete")
    for through in m2m:
        uid = f"stamps:{stamp}:{through._meta.label}:m2m"
        m2m_changed.connect(relation_changed, sender=through, dispatch_uid=uid)


_receivers: list[Callable] = []
_guarded: dict[str, tuple[str, ...]] = {}  # model label -> the stamps its saves and deletes move


def guarding(model: type) -> tuple[str, ...]:
    """The stamps every save and delete of ``model`` moves (``guard``), or ``()``."""
    return _guarded.get(model._meta.label, ())
