"""The queue page's rows written from parts kept per process (``queue_text.KEEP``, decision
0097) are the rows written anew: the page with it on equals the page with it off, byte for
byte (CSRF tokens masked, one "now"), for every reader of tests/incidents/test_queue_page_kept.py
one after another (the parts kept for one reader are there for the next), a German reader
in Berlin after an English one, markup in titles and names, a clock that moves, a row that
changes; a page read again writes no row's cells anew; the parts are bounded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.incidents.models import Incident
from steward.incidents.views import queue_cells, queue_text
from tests.incidents.test_queue_page_kept import (  # noqa: F401 - fixtures
    HOSTILE,
    PATHS,
    _client,
    _masked,
    _next_page,
    frozen,
    world,
)

pytestmark = pytest.mark.django_db

READERS = ("agent", "one team", "limited", "requester", "admin")


@pytest.fixture
def keep(monkeypatch):
    """``keep(on)``: the switch for the next request; the kept parts stay, as in a worker."""
    queue_text.forget()

    def set_(on: bool) -> None:
        monkeypatch.setattr(queue_text, "KEEP", on)

    yield set_
    queue_text.forget()


def _same(client, keep, path: str, **headers) -> str:
    """Off, then on twice (written, then kept): equal."""
    pages = []
    for on in (False, True, True):
        keep(on)
        response = client.get(path, **headers)
        assert response.status_code == 200, path
        pages.append(_masked(response.content))
    assert pages[1] == pages[0], path
    assert pages[2] == pages[0], path
    return pages[0]


def test_every_reader_one_after_another(world, keep):  # noqa: F811
    seen = 0
    for who in READERS:
        client = _client(world[who])
        for path in PATHS:
            headers = {"HTTP_HX_REQUEST": "true"} if "partial" in path else {}
            html = _same(client, keep, path, **headers)
            seen += html.count("<tr>\n")
            second = _next_page(html)
            if second:
                _same(client, keep, f"/incidents/{second}")
    assert seen > 200
    assert queue_text._contexts  # noqa: SLF001 - not vacuous: parts were kept


def test_markup_and_a_german_reader_in_berlin(world, keep):  # noqa: F811
    user = world["agent"]
    client = _client(user)
    english = _same(client, keep, "/incidents/?queue=all")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in english
    assert "<script>alert" not in english
    assert "R&amp;D &lt;lab&gt;" in english
    user.language = "de"
    user.save(update_fields=["language"])
    german = _same(client, keep, "/incidents/?queue=all")
    assert ">Übernehmen</button>" in german or "Übernehmen" in german
    assert " her</time>" in german or "vor " in german  # "… ago" in German
    user.time_zone = "Europe/Berlin"
    user.save(update_fields=["time_zone"])
    berlin = _same(client, keep, "/incidents/?queue=all")
    assert "+01:00" in berlin
    assert "+01:00" not in german
    assert english != german != berlin


def test_a_moving_clock_and_a_changed_row(world, keep, monkeypatch):  # noqa: F811
    """The "… ago" and the clocks' time left follow "now"; a row's new title, status or
    assignee is shown at once (the parts are keyed by them)."""
    client = _client(world["admin"])
    first = _same(client, keep, "/incidents/?queue=all")
    start = timezone.now()
    for minutes in (1, 61, 60 * 5):  # within the session's life
        at = start + dt.timedelta(minutes=minutes)
        monkeypatch.setattr(timezone, "now", lambda at=at: at)
        moved = _same(client, keep, "/incidents/?queue=all")
        assert moved != first, minutes
    newest = Incident.objects.order_by("-number").first()
    Incident.objects.filter(pk=newest.pk).update(title="Renamed & <b>new</b>", status="on_hold")
    changed = _same(client, keep, "/incidents/?queue=all")
    assert "Renamed &amp; &lt;b&gt;new&lt;/b&gt;" in changed
    assert HOSTILE[0] not in changed


def test_a_page_read_again_writes_no_cells_anew(world, keep, monkeypatch):  # noqa: F811
    """The first read writes each row's cells (and keeps them), the second writes none."""
    client = _client(world["agent"])
    keep(True)
    written = []
    real = queue_cells.head
    monkeypatch.setattr(queue_text, "head", lambda *a, **kw: written.append(1) or real(*a, **kw))
    first = _masked(client.get("/incidents/?queue=all").content)
    assert len(written) == first.count("<tr>\n") > 20
    written.clear()
    again = _masked(client.get("/incidents/?queue=all").content)
    assert again == first
    assert written == []


@pytest.mark.parametrize("who", ["agent", "requester"])
def test_the_statements_are_the_same(world, keep, who):  # noqa: F811
    client = _client(world[who])
    counts = {}
    for on in (False, True):
        keep(on)
        client.get("/incidents/?queue=all")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/incidents/?queue=all").status_code == 200
        counts[on] = [q["sql"] for q in ctx.captured_queries]
    assert counts[True] == counts[False]


def test_the_kept_parts_are_bounded(world, keep, monkeypatch):  # noqa: F811
    monkeypatch.setattr(queue_text, "LIMIT", 8)
    monkeypatch.setattr(queue_text, "CONTEXTS", 2)
    for who in ("agent", "requester", "admin"):
        client = _client(world[who])
        for path in PATHS[:4]:
            _same(client, keep, path)
    assert 0 < len(queue_text._contexts) <= 2  # noqa: SLF001
    assert 0 < queue_text.size() <= 8
