"""LMTP deliveries written in groups (decision 0033): what arrives together is one group,
one transaction and one wake-up of the worker; a group leaves exactly what one-by-one
delivery leaves; a bad message is quarantined alone; a database failure answers the whole
group 451 and stores nothing, and delivering again makes one record each; the statements
of a group do not grow with it; and real sessions over sockets at once are each answered."""

from __future__ import annotations

import asyncio
import smtplib
import threading

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from steward.core import outbox
from steward.incidents.models import Incident
from steward.incidents.services import validation
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import batch, lmtp
from steward.mailboxes.services.lmtp import TRY_LATER, Groups, deliver, deliver_many
from tests.mailboxes.test_batched_writes import _box, _state, corpus
from tests.mailboxes.test_batched_writes import callers as callers  # the fixture
from tests.mailboxes.test_lmtp import _free_port

pytestmark = pytest.mark.django_db(transaction=True)
SENDER = "<c0@example.com>"


def _together(deliveries, groups: Groups | None = None) -> list[str]:
    """Deliveries from as many sessions at once: all pending before the writer first runs."""
    groups = groups or Groups()

    async def run():
        return await asyncio.gather(*(groups.deliver(*d) for d in deliveries))

    try:
        return asyncio.run(run())
    finally:
        groups.worker.close()  # its thread's connection, as a stopping listener does


@pytest.fixture
def written(monkeypatch):
    """The size of every group written, and the worker's wake-ups."""
    sizes, wakes = [], []
    original = lmtp.deliver_many
    monkeypatch.setattr(lmtp, "deliver_many", lambda d: sizes.append(len(d)) or original(d))
    monkeypatch.setattr(outbox, "wake_worker", lambda: wakes.append(1))
    return sizes, wakes


def test_deliveries_arriving_together_are_one_group_and_one_commit(callers, desk_team, written):
    box = _box("desk", desk_team)
    written[1].clear()  # the mailbox's own creation woke the worker
    raws = corpus("g", 6, callers)
    deliveries = [(box.address, SENDER, raw) for raw in raws]
    deliveries.insert(3, (box.address, SENDER, b"\x00not mail at all"))
    deliveries.append(("nobody@example.com", SENDER, raws[0]))

    replies = _together(deliveries)

    sizes, wakes = written
    assert sizes == [8]
    assert len(wakes) == 1  # one transaction: the worker woken once for all its events
    assert [r[:3] for r in replies] == ["250"] * 7 + ["550"]
    stored = InboundMessage.objects.filter(mailbox=box)
    assert [m.status for m in stored].count("quarantined") == 1  # the bad one, alone
    # each session is answered with its own message's row
    by_pk = {str(m.pk): m for m in stored}
    answered = [by_pk[r.removeprefix("250 2.0.0 Stored as ")] for r in replies[:7]]
    assert [m.status for m in answered].index("quarantined") == 3
    wanted = [m.message_id for n, m in enumerate(answered) if n != 3]
    assert wanted == [f"<g{n}@mail.example.com>" for n in range(6)]
    assert {m.status for m in answered} == {"created", "commented", "quarantined"}


def test_a_group_is_bounded_and_the_rest_waits_for_the_next(callers, desk_team, written):
    box = _box("desk", desk_team)
    raws = corpus("b", 7, callers)
    replies = _together([(box.address, SENDER, r) for r in raws], Groups(size=3))
    assert written[0] == [3, 3, 1]
    assert all(r.startswith("250 ") for r in replies)


def test_a_group_leaves_what_one_by_one_delivery_leaves(callers, desk_team):
    raws = corpus("same", 12, callers)
    one_by_one, grouped = _box("single", desk_team), _box("grouped", desk_team)
    for raw in raws:
        assert deliver(one_by_one.address, SENDER, raw).startswith("250 ")
    replies = _together([(grouped.address, SENDER, raw) for raw in raws])

    assert all(r.startswith("250 ") for r in replies)
    single, many = _state(one_by_one), _state(grouped)
    assert len(single) == 12
    assert {row[1] for row in single} == {"created", "commented"}
    for one, other in zip(single, many, strict=True):
        assert one == other


def test_a_message_breaking_a_rule_is_quarantined_alone_and_the_rest_commit(
    callers, desk_team, monkeypatch
):
    box = _box("desk", desk_team)
    title = validation.title

    def no_broken_6(value):
        if value == "broken 6":
            raise validation.ValidationFailed.one("title", "not this one")
        return title(value)

    monkeypatch.setattr(validation, "title", no_broken_6)
    replies = _together([(box.address, SENDER, raw) for raw in corpus("q", 8, callers)])

    assert all(r.startswith("250 ") for r in replies)  # a quarantined message is stored
    statuses = dict(InboundMessage.objects.values_list("subject", "status"))
    assert statuses.pop("broken 6") == "quarantined"
    assert "quarantined" not in statuses.values()
    assert Incident.objects.filter(title__startswith="broken").count() == 5  # 0, 2, 3, 4, 7


def test_a_database_failure_answers_the_group_451_and_the_next_delivery_makes_one_each(
    callers, desk_team, monkeypatch
):
    box = _box("desk", desk_team)
    raws = corpus("f", 5, callers)
    opened = batch.incidents_open_many

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(batch, "incidents_open_many", locked)
    replies = _together([(box.address, SENDER, raw) for raw in raws])

    assert replies == [TRY_LATER] * 5
    assert InboundMessage.objects.count() == 0  # nothing acknowledged, nothing kept
    monkeypatch.setattr(batch, "incidents_open_many", opened)
    for _ in range(2):  # the mail server delivers again (and once more, as if a 250 was lost)
        assert all(
            r.startswith("250 ") for r in _together([(box.address, SENDER, r) for r in raws])
        )
    assert InboundMessage.objects.count() == 5
    assert Incident.objects.filter(title__startswith="broken").count() == 4  # 0, 2, 3, 4


def test_the_statements_of_a_group_do_not_grow_with_it(callers, desk_team, monkeypatch):
    monkeypatch.setattr(outbox, "wake_worker", lambda: None)  # the worker's work is not ours
    box = _box("desk", desk_team)
    deliver_many([(box.address, SENDER, r) for r in corpus("warm", 4, callers)])
    counts = []
    for tag, size in (("a", 8), ("b", 32)):
        group = [(box.address, SENDER, r) for r in corpus(tag, size, callers)]
        with CaptureQueriesContext(connection) as queries:
            replies = deliver_many(group)
        assert all(r.startswith("250 ") for r in replies)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts  # the same statements for 8 messages and for 32
    assert counts[1] < 60, counts


def test_sessions_at_once_over_sockets_are_each_answered_after_their_group(
    callers, desk_team, written
):
    box = _box("desk", desk_team)
    raws = corpus("s", 18, callers)
    port = _free_port()
    controller = lmtp.lmtp_controller("127.0.0.1", port)
    controller.start()
    refused, failures = [], []

    def session(mine: list[bytes]) -> None:
        try:
            with smtplib.LMTP("127.0.0.1", port) as client:
                for raw in mine:  # a mail server's lines end in CRLF
                    crlf = raw.replace(b"\n", b"\r\n")
                    refused.append(client.sendmail("c0@example.com", [box.address], crlf))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=session, args=(raws[k::6],)) for k in range(6)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        controller.stop()

    assert failures == []
    assert refused == [{}] * 18
    assert sum(written[0]) == 18
    assert InboundMessage.objects.filter(mailbox=box).count() == 18
    assert {m.status for m in InboundMessage.objects.all()} == {"created", "commented"}
