"""The API's incident list on PostgreSQL with its ``timestamptz`` values kept per process
(``steward.core.db.pgtimes.KEEP``, decision 0082): the answer is the one psycopg's own loader
gives, byte for byte and in the same statements, for decision 0081's world (its teams,
readers, hostile texts, null references and times, a paused clock), its twelve addresses and
their next pages."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.db import pgtimes
from tests.conftest import api_client_for
from tests.incidents import test_queue_api_direct as direct

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's loader"),
]
world = direct.world  # decision 0081's fixture (frozen: tests/incidents/conftest.py)


def _answer(api, monkeypatch, path: str, keep: bool) -> tuple[bytes, list[str]]:
    monkeypatch.setattr(pgtimes, "KEEP", keep)
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path)
    assert response.status_code == 200, (path, response.content[:300])
    return response.content, [q["sql"] for q in ctx.captured_queries]


def _same(api, monkeypatch, path: str) -> dict:
    api.get(path)  # warm: the token, the stamps, the compiled statements
    off, off_sql = _answer(api, monkeypatch, path, False)
    for _ in range(2):  # the times parsed and kept, then read from the kept dict
        on, on_sql = _answer(api, monkeypatch, path, True)
        assert on == off, path
        assert on_sql == off_sql, path
    return json.loads(off)


@pytest.mark.parametrize("who", ["agent", "limited", "admin"])
def test_the_answer_with_kept_times_is_psycopgs(world, monkeypatch, who):
    api = api_client_for(world[who])
    seen = 0
    for path in direct.PATHS:
        body = _same(api, monkeypatch, path)
        seen += len(body["items"])
        pages = 0
        while body["next"] and pages < 2:
            join = "&" if "?" in path else "?"
            body = _same(api, monkeypatch, f"{path}{join}cursor={body['next']}")
            seen += len(body["items"])
            pages += 1
    assert seen > 40, who
    assert any(pgtimes._kept.values())  # not vacuous: times were kept
