"""What a web worker builds before its first request (issue 13: a worker <= 120 MB after
100,000 reads; decision 0049). ``steward/wsgi.py`` calls ``prepare()`` before Django starts.

- huey's storage module tries to import the Redis client and psycopg at its top, for
  storages Steward may not use: measured in a worker, redis cost 7.5 MB and psycopg (libpq
  with its own OpenSSL) 10 MB. Steward's queue is ``RedisHuey`` with a Redis URL and
  ``SqliteHuey`` without; it never uses huey's PostgreSQL storage. While huey's storage is
  imported, the clients its configured storage does not need are absent for it; nothing
  else is kept from importing them later (psycopg is still PostgreSQL's driver). The
  settings module does this (``import_queue_storage``) before djhuey imports huey, so every
  process that loads Steward's settings is spared them, not only a web worker: a
  management command, ``steward worker`` and the test suite's ``steward`` processes spent
  7-8 % of their start-up on each (decision 0131).
- pydantic builds a schema's validator and serializer when its class is created: every API
  operation's schemas in every worker, +3.5 MB, though a worker serving reads validates a
  few of them. ``defer_build`` builds each on its first use instead (pydantic locks the
  build since 2.11, so a worker's threads build it once).
- ninja's settings module imports ``setting_changed`` from ``django.test.signals``, and so
  the package ``django.test``: the test client, the test cases, unittest, xml.dom, wsgiref's
  server (+2.3 MB and 33 modules in a worker, none of them used to serve a request). That
  one module is loaded from its file by itself first (decision 0114): the same module, its
  receivers connected once as before, without its package. A later ``import django.test``
  (a test run, an operator's shell) loads the package as usual and finds the module loaded.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def absent(names: list[str]) -> Iterator[None]:
    """Imports of ``names`` fail inside the block (a ``None`` in ``sys.modules`` is Python's
    documented "not importable"); afterwards they import as usual. Loaded ones stay."""
    hidden = [n for n in names if n not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


def load_alone(name: str) -> None:
    """Load the module ``name`` from its file without importing its package's ``__init__``
    (the package's own package must be loaded). Nothing when ``name`` or its package is
    loaded already, or when the file is not where the package's layout puts it. Also how
    business time loads one country of the ``holidays`` package (sla/selectors/
    public_holidays.py, under its own lock: this function takes none)."""
    package, _, leaf = name.rpartition(".")
    if name in sys.modules or package in sys.modules:
        return
    grand, _, folder = package.rpartition(".")
    root_file = getattr(sys.modules.get(grand), "__file__", None)
    if not root_file:
        return
    path = Path(root_file).parent / folder / f"{leaf}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    if not path.is_file() or spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise


def unused_queue_clients(redis_url: str) -> list[str]:
    return ["psycopg"] if redis_url else ["psycopg", "redis"]


def import_queue_storage(redis_url: str) -> None:
    """Import huey's storage module while the clients a queue on ``redis_url`` (empty: huey
    on SQLite) does not use are absent; nothing when it is loaded already."""
    with absent(unused_queue_clients(redis_url)):
        importlib.import_module("huey.storage")


def prepare() -> None:
    from django.conf import settings

    load_alone("django.test.signals")  # before ninja's settings module imports it
    from ninja import Schema

    # reading REDIS_URL loads the settings, which have imported it so already; said here as
    # well, as the web worker's memory depends on it (decision 0049)
    import_queue_storage(settings.REDIS_URL)
    # before any of Steward's schemas (and ninja's response models built on Schema) exists:
    # a class takes its configuration from its bases when it is created
    Schema.model_config["defer_build"] = True
