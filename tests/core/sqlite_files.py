"""A SQLite connection to a test's own file, built with Steward's engine and options but
outside the configured databases, so the SQLite tests run whatever the suite's database is."""

from __future__ import annotations

from pathlib import Path

from steward.core.db.sqlite3.base import DatabaseWrapper
from steward.settings import SQLITE_ENGINE, SQLITE_OPTIONS


def file_wrapper(path: Path | str, alias: str, **options) -> DatabaseWrapper:
    """Steward's SQLite wrapper on ``path`` under ``alias``; ``options`` override the engine's
    (a test's shorter ``timeout``, say)."""
    settings_dict = {
        "ENGINE": SQLITE_ENGINE,
        "NAME": str(path),
        "OPTIONS": {**SQLITE_OPTIONS, **options},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    return DatabaseWrapper(settings_dict, alias=alias)
