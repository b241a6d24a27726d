"""The fault tests' Steward: its own database, migrated (on SQLite a copy of the run's migrated
file, tests/conftest.py ``migrated_sqlite``; on PostgreSQL a database of its own made from the
migrated copy ``migrated_postgres``, or migrated here when there is none) and its own SMTP
sink, closed and dropped after the test whatever happened."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.conftest import copy_migrated
from tests.faults.harness import Database, Sink, Steward


@pytest.fixture
def own_steward(tmp_path, request) -> Iterator[Callable[..., Steward]]:
    """``own_steward(smtp_up=…)``: a Steward whose sink accepts mail from the start, or is
    down until the test calls ``sink.up()`` (or never, where nothing may be sent)."""
    made: list[Steward] = []

    def make(*, smtp_up: bool) -> Steward:
        # a migrated database either way, so the tests' own processes run no `migrate` (one
        # with nothing to apply still cost 0.7 s of CPU a process: docs/testing.md, suite43)
        template = _postgres_template(request)
        db = Database(tmp_path, template=template)
        if not db.postgres:
            copy_migrated(request.getfixturevalue("migrated_sqlite"), tmp_path)
        sink = Sink()
        if smtp_up:
            sink.up()
        made.append(Steward(tmp_path, db, sink))
        if db.postgres and template is None:  # no migrated copy could be made: migrate here
            made[-1].run("migrate", "-v", "0")
        return made[-1]

    yield make
    for app in made:
        app.close()
        app.db.drop()


def _postgres_template(request) -> str | None:
    from django.conf import settings

    return request.getfixturevalue("migrated_postgres") if settings.IS_POSTGRES else None
