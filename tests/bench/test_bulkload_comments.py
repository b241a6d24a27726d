"""The bulk bench's comments written as tuples are the rows ``bulk_create`` wrote (decision
0086), on both databases.

``bench.incidents.bulkload.TUPLES`` switches between the two: ``False`` builds a
``Comment`` per row and writes them with ``bulk_create`` (the bench before the decision),
``True`` builds tuples of the same values from the same draws of the random generator and
writes them with ``tuple_inserts.insert_rows``. Both runs start from one seed on the same
incidents, hold "now" at one instant and are rolled back; every column of every comment
is compared as the database's text (the keys by their order: PostgreSQL's sequence does not
roll back), and the raw driver's shadow rows made of each are compared too.
"""

import datetime as dt
import random
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from bench.incidents import bulkload, rawload
from steward.core import tuple_inserts
from steward.core.actor import Actor
from steward.core.models import Comment
from steward.incidents.models import Incident
from steward.incidents.services.bulk import incidents_import
from tests import factories

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 4, 1, 18, 5, 17, 250001, tzinfo=dt.UTC)


class _Undo(Exception):
    pass


@pytest.fixture
def batch():
    agents = [factories.agent(username=f"bench-agent{n}") for n in range(5)]
    caller = factories.requester(username="bench-caller").username
    rows = [{"title": f"Bench {n}", "caller": caller} for n in range(40)]
    incidents = incidents_import(Actor.system("tests"), rows)
    return incidents, agents


def _rows() -> list[tuple]:
    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(cursor, Comment._meta.db_table)
        ]
        cast = "::text" if connection.vendor == "postgresql" else ""
        listed = ", ".join(f"{connection.ops.quote_name(c)}{cast}" for c in columns if c != "id")
        cursor.execute(f"SELECT {listed} FROM {Comment._meta.db_table} ORDER BY id")  # noqa: S608
        rows = [tuple("NULL" if v is None else str(v) for v in row) for row in cursor.fetchall()]
    return [tuple(c for c in columns if c != "id"), *rows]


def _run(incidents, agents, *, tuples: bool, seed: int = 3):
    """The comment rows written with the switch at ``tuples``, and the raw driver's values
    made from what ``write_comments`` returned; rolled back."""
    found = {}
    with (
        mock.patch.object(bulkload, "TUPLES", tuples),
        mock.patch.object(timezone, "now", return_value=NOW),
    ):
        try:
            with transaction.atomic():
                Comment.objects.all().delete()
                notes = bulkload.write_comments(random.Random(seed), incidents, agents)
                found["rows"] = _rows()
                shadow = rawload.Shadow.__new__(rawload.Shadow)
                shadow.fields = {"comment": rawload._columns(Comment)}
                shadow.audit_fields, shadow.vendor = [], connection.vendor
                made = shadow.prepare([], bulkload._as_comments(notes))
                found["raw"] = made["comment"]
                raise _Undo
        except _Undo:
            pass
    return found


def test_comments_as_tuples_are_the_rows_bulk_create_wrote(batch):
    incidents, agents = batch
    before = _run(incidents, agents, tuples=False)
    after = _run(incidents, agents, tuples=True)
    assert after == before
    # the batch reaches what it means to: comments on most incidents, both kinds, authors
    rows = before["rows"][1:]
    assert len(rows) > len(incidents) // 2
    columns = before["rows"][0]
    assert len({r[columns.index("internal")] for r in rows}) == 2
    assert len({r[columns.index("author_id")] for r in rows}) > 1
    assert len({r[columns.index("object_id")] for r in rows}) > len(incidents) // 2
    assert Incident.objects.count() == len(incidents)


def test_the_switch_changes_the_path_taken(batch):
    incidents, agents = batch
    counts = {}
    for tuples in (False, True):
        with (
            mock.patch.object(
                Comment.objects, "bulk_create", side_effect=Comment.objects.bulk_create
            ) as orm,
            mock.patch.object(
                tuple_inserts, "insert_rows", side_effect=tuple_inserts.insert_rows
            ) as rows,
        ):
            _run(incidents, agents, tuples=tuples)
        counts[tuples] = (orm.call_count, rows.call_count)
    assert counts == {False: (1, 0), True: (0, 1)}
