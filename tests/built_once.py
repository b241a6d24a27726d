"""Records a test module builds once and every one of its tests starts from (decision 0069).

The module's records are written in an outer transaction of its own; each test's transaction
(pytest-django's ``TestCase`` atomic) is then a savepoint inside it, rolled back to exactly
those records when the test ends, and the outer one is rolled back when the module's last test
is done. A test sees what it saw when it built the records itself: the same rows, the same
numbers, copies of the same model instances, the same files under its ``MEDIA_ROOT``.

For modules whose every test uses the records (the outer transaction is open from the first
test that asks for them to the module's end: a test of the module that does not use them
would see them too), and never with ``transactional_db``.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.test.utils import override_settings

# what tests/conftest.py's _test_settings gives each test, for the build, which runs before
# any test's own settings: above all the cheap password hasher (users are made with passwords)
BUILD_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


@dataclass
class Built:
    """What a module built, with what each test has to put back beside the rollback."""

    value: Any
    media: Path
    sequences: dict[str, int]  # PostgreSQL sequence → the value it gives next


def _sequences() -> dict[str, int]:
    """The next value of each numbering sequence (PostgreSQL; SQLite numbers from a table
    the rollback restores)."""
    from steward.core.numbering import SEQUENCED

    if connection.vendor != "postgresql":
        return {}
    found = {}
    with connection.cursor() as cursor:
        for sequence in SEQUENCED.values():
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
            last, called = cursor.fetchone()
            found[sequence] = last + 1 if called else last
    return found


def _restart(sequences: dict[str, int] | None = None) -> None:
    """Restart the numbering sequences, at 1 (as tests/conftest.py does for every test) or
    at the values given. RESTART is transactional: the enclosing rollback undoes it."""
    from steward.core.numbering import SEQUENCED

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sequence in SEQUENCED.values():
            at = (sequences or {}).get(sequence)
            with_value = "" if at is None else f" WITH {at:d}"
            cursor.execute(f"ALTER SEQUENCE {sequence} RESTART{with_value}")


@contextmanager
def built(django_db_blocker: Any, media: Path, build: Callable[[], Any]) -> Iterator[Built]:
    """Run ``build`` in an outer transaction kept open while the module's tests run, with
    files written under ``media``; roll it back at the end."""
    from steward.core import stamps

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # the services' durable blocks may open inside it, as they do inside a test's own
        outer._from_testcase = True
        outer.__enter__()
    try:
        with django_db_blocker.unblock(), override_settings(**BUILD_SETTINGS, MEDIA_ROOT=media):
            _restart()  # the numbers a test building the records itself would take
            stamps.forget()
            value = build()
            sequences = _sequences()
        yield Built(value, media, sequences)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            stamps.forget()


def for_the_test(built_once: Built, settings: Any) -> Any:
    """Each test's start, after tests/conftest.py's _database_baseline: the numbering where
    the build left it, the build's files in the test's ``MEDIA_ROOT``, and a copy of the
    built objects (a test may change an instance it was given; the next gets the originals)."""
    _restart(built_once.sequences)
    shutil.copytree(built_once.media, Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
    return copy.deepcopy(built_once.value)
