"""The LMTP listener's parse process (decision 0041): a message read there (``read_apart``,
in another interpreter) leaves exactly the records of the same message read in its group,
the group then reads none of it again, and a parse process that dies costs no message: it
is read in its group and a new process reads the next one."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import batch
from steward.mailboxes.services.lmtp import Parser, _with_return_path, deliver_many
from tests.mailboxes.test_batched_writes import _box, _state, corpus
from tests.mailboxes.test_batched_writes import callers as callers  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)
SENDER = "<c0@example.com>"


def _read_all(parser: Parser, raws: list[bytes]) -> list:
    async def run():
        return [await parser.read(_with_return_path(SENDER, raw)) for raw in raws]

    return asyncio.run(run())


def test_a_message_read_in_the_parse_process_leaves_what_its_group_would(
    callers, desk_team, monkeypatch
):
    raws = corpus("p", 12, callers)  # new incidents, replies by number, PDFs, HTML
    in_group, apart = _box("ingroup", desk_team), _box("apart", desk_team)
    assert all(
        r.startswith("250") for r in deliver_many([(in_group.address, SENDER, r) for r in raws])
    )

    parser = Parser()
    try:
        reads = _read_all(parser, raws)
    finally:
        parser.close()
    assert all(read is not None for read in reads)  # each one read in the other process
    # the group reads none of them again
    monkeypatch.setattr(batch, "_head", lambda raw: pytest.fail("read again in the group"))
    replies = deliver_many(
        [(apart.address, SENDER, r, read) for r, read in zip(raws, reads, strict=True)]
    )

    assert all(r.startswith("250") for r in replies)
    statuses = list(InboundMessage.objects.filter(mailbox=apart).values_list("status", flat=True))
    assert sorted(set(statuses)) == ["commented", "created"]
    assert _state(apart) == _state(in_group)


def test_a_dead_parse_process_costs_no_message_and_the_next_one_is_read_by_a_new_one(
    callers, desk_team
):
    raws = corpus("d", 3, callers)
    box = _box("desk", desk_team)
    parser = Parser()
    try:
        os.kill(parser.start(), signal.SIGKILL)
        first = _read_all(parser, raws[:1])
        assert first == [None]  # read in its group instead
        rest = _read_all(parser, raws[1:])
        assert all(read is not None for read in rest)  # a new process
    finally:
        parser.close()
    deliveries = [
        (box.address, SENDER, r, read) for r, read in zip(raws, first + rest, strict=True)
    ]
    assert all(r.startswith("250") for r in deliver_many(deliveries))
    statuses = InboundMessage.objects.filter(mailbox=box).values_list("status", flat=True)
    assert sorted(statuses) == ["commented", "created", "created"]
