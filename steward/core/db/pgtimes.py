"""PostgreSQL's ``timestamptz`` values parsed once per process (decision 0082).

Django's psycopg 3 backend loads a ``timestamptz`` with a subclass of psycopg's Python text
loader (a regular expression, seven ``int`` calls, a ``datetime``, a shift, ``astimezone``,
then Django's ``replace``): ~180 values a first page of the API's queue, the same ones for
every reader. ``register`` (sent by Django's ``connection_created``) puts on each new
PostgreSQL connection a subclass of Django's own loader that keeps its answer per text value
in a per-process dict, emptied when it holds ``_MAX`` values. The answer is a function of the
text, the session's ``TimeZone`` (psycopg's loader moves the value to it) and Django's zone
(its ``replace``): the dict is per pair of zones, and only psycopg's ISO ``DateStyle`` parser
is kept from (any other is psycopg's own path). A text psycopg refuses (``infinity``, a BC
date, a year past 9999) raises as before and is not kept. The kept values are shared between
rows and connections, which is harmless: datetimes are immutable.

Only the text format: Django reads results as text (``server_side_binding`` binds
parameters, it does not ask for binary results); psycopg's binary loader is left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# False: psycopg's (and Django's) loader parses every value (the reference the tests
# compare with); read at each value, so a test may switch it on a live connection
KEEP = True
_MAX = 4096
_kept: dict[tuple[Any, Any], dict[bytes, dt.datetime]] = {}
_classes: dict[Any, type] = {}


def register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``'s receiver: the keeping loader on a new PostgreSQL connection,
    for the zone Django loads its times in (which is what Django's ``create_cursor``
    compares with before putting its own loader on a cursor)."""
    if connection.vendor != "postgresql":
        return
    from django.db.backends.postgresql.psycopg_any import is_psycopg3

    if not is_psycopg3:
        return
    zone = connection.timezone
    loader = _classes.get(zone)
    if loader is None:
        loader = _classes[zone] = _loader(zone)
    connection.connection.adapters.register_loader("timestamptz", loader)


def _loader(zone: Any) -> type:
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader
    from psycopg.types.datetime import TimestamptzLoader

    iso = getattr(TimestamptzLoader, "_load_iso", None)
    load = BaseTzLoader.load

    class KeptTzLoader(BaseTzLoader):
        timezone = zone

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            # psycopg's ISO parser, the session's zone: what the parsed value depends on
            if iso is not None and getattr(self, "_load_method", None) is iso:
                self._keep = _kept.setdefault((zone, self._timezone), {})
            else:
                self._keep = None

        def load(self, data: Any) -> dt.datetime:
            kept = self._keep
            if kept is None or not KEEP:
                return load(self, data)
            text = bytes(data)  # a memoryview of the result's buffer must not be kept
            value = kept.get(text)
            if value is None:
                value = load(self, data)
                if len(kept) >= _MAX:
                    kept.clear()
                kept[text] = value
            return value

    return KeptTzLoader
