"""SQLite's datetime columns parsed once per process (decision 0088).

Django registers ``decoder(parse_datetime)`` with the ``sqlite3`` module for the
``datetime`` and ``timestamp`` column types: for each value the driver calls a lambda that
decodes the bytes and parses them (a regular expression's fast path, ``fromisoformat``),
~470 values on a first page of the API's queue with its clocks, the same ones for every
reader. Here the driver calls a dict's ``__getitem__`` instead (a C call, no Python frame on
a hit): the kept value of those exact bytes, parsed by Django's own ``parse_datetime`` on a
miss. A parsed datetime is immutable, so sharing one between rows is harmless (decision
0081's ``compiled.KEEP_TIMES`` then makes it aware). At most ``KEPT_MAX`` values, all
forgotten when full. A value Django cannot parse raises as before (nothing kept).

``KEEP = False``: Django's own converter, value by value (the tests' reference). The
converter is registered on each new SQLite connection (``connection_created``), after
Django's backend registered its own at import; the ``sqlite3`` module keeps one converter
per type name for the process.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from django.utils.dateparse import parse_datetime

KEEP = True
KEPT_MAX = 8192
_TYPES = ("datetime", "timestamp")


class _Kept(dict):
    """Bytes of a datetime column → Django's parse of them."""

    def __missing__(self, text: bytes) -> Any:
        value = parse_datetime(text.decode())
        if len(self) >= KEPT_MAX:
            self.clear()
        self[text] = value
        return value


_kept = _Kept()


def _djangos(text: bytes) -> Any:
    """Django's converter (``sqlite3.base.decoder(parse_datetime)``)."""
    return parse_datetime(text.decode())


def install(keep: bool) -> None:
    """Register the kept converter (``keep``) or Django's for the datetime column types."""
    converter = _kept.__getitem__ if keep else _djangos
    for name in _TYPES:
        sqlite3.register_converter(name, converter)


def register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``'s receiver: the converter ``KEEP`` names, on SQLite."""
    if connection.vendor == "sqlite":
        install(KEEP)
