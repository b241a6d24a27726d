"""The LMTP listener's database thread (decision 0034): a stopped listener leaves no
database connection open (PostgreSQL counted its sessions as "other users" of the test
database), a failed group closes its connection, and a recipient found at RCPT is not
looked up again for every message, while a mailbox deactivated meanwhile is still refused."""

from __future__ import annotations

import asyncio
import smtplib

import pytest
from django.db import OperationalError, connection, connections

from steward.mailboxes.models import InboundMessage, Mailbox
from steward.mailboxes.services import batch, lmtp
from steward.mailboxes.services.lmtp import TRY_LATER, Groups, Worker
from tests.mailboxes.test_batched_writes import _box, corpus
from tests.mailboxes.test_batched_writes import callers as callers  # the fixture
from tests.mailboxes.test_lmtp import _free_port

pytestmark = pytest.mark.django_db(transaction=True)
SENDER = "c0@example.com"


def _sessions() -> int:
    """Connections to the test database other than this thread's (PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _thread_connection(worker: Worker) -> tuple:
    """The worker thread's connection wrapper, with a record of its ``close`` calls (on
    SQLite's in-memory test database Django keeps the connection itself open)."""
    closed: list[int] = []

    def find():
        wrapper = connections["default"]
        original = wrapper.close
        wrapper.close = lambda: closed.append(1) or original()
        return wrapper

    assert worker.executor is not None
    return worker.executor.submit(find).result(), closed


def _assert_closed(wrapper, closed: list[int]) -> None:
    assert closed, "the worker thread's connection was never closed"
    if connection.vendor == "postgresql":
        assert wrapper.connection is None


def test_a_stopped_listener_leaves_no_database_connection_open(callers, desk_team):
    box = _box("desk", desk_team)
    before = _sessions() if connection.vendor == "postgresql" else 0
    port = _free_port()
    controller = lmtp.lmtp_controller("127.0.0.1", port)
    controller.start()
    try:
        with smtplib.LMTP("127.0.0.1", port) as client:
            raw = corpus("c", 1, callers)[0].replace(b"\n", b"\r\n")
            assert client.sendmail(SENDER, [box.address], raw) == {}
        worker = controller.handler.worker
        wrapper, closed = _thread_connection(worker)
        assert wrapper.connection is not None  # the delivery used it
        if connection.vendor == "postgresql":
            assert _sessions() == before + 1
    finally:
        controller.stop()

    _assert_closed(wrapper, closed)
    assert worker.executor is None  # the thread is gone too
    if connection.vendor == "postgresql":
        assert _sessions() == before
    assert InboundMessage.objects.filter(mailbox=box).count() == 1


def test_a_failed_group_closes_its_connection_and_the_next_opens_one(
    callers, desk_team, monkeypatch
):
    box = _box("desk", desk_team)
    raws = corpus("f", 3, callers)
    worker = Worker()
    opened = batch.incidents_open_many

    async def deliver_all() -> list[str]:
        groups = Groups(worker=worker)
        return await asyncio.gather(*(groups.deliver(box.address, SENDER, r) for r in raws))

    try:
        asyncio.run(worker.run(lambda: Mailbox.objects.count()))  # the thread's connection
        wrapper, closed = _thread_connection(worker)

        def locked(*args, **kwargs):
            raise OperationalError("server closed the connection unexpectedly")

        monkeypatch.setattr(batch, "incidents_open_many", locked)
        assert asyncio.run(deliver_all()) == [TRY_LATER] * 3
        _assert_closed(wrapper, closed)

        monkeypatch.setattr(batch, "incidents_open_many", opened)
        assert all(r.startswith("250 ") for r in asyncio.run(deliver_all()))
    finally:
        worker.close()
    assert InboundMessage.objects.filter(mailbox=box).count() == 3


def test_a_known_recipient_is_looked_up_once_and_a_deactivated_one_still_refused(
    callers, desk_team, monkeypatch
):
    box = _box("desk", desk_team)
    raws = [r.replace(b"\n", b"\r\n") for r in corpus("k", 4, callers)]
    lookups = []
    known = lmtp._known
    monkeypatch.setattr(lmtp, "_known", lambda address: lookups.append(address) or known(address))
    port = _free_port()
    controller = lmtp.lmtp_controller("127.0.0.1", port)
    controller.start()
    statements: list[str] = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    try:
        with smtplib.LMTP("127.0.0.1", port) as client:
            assert client.sendmail(SENDER, [box.address], raws[0]) == {}
            worker = controller.handler.worker
            wrappers = worker.executor.submit(lambda: connections["default"].execute_wrappers)
            wrappers.result().append(count)  # the database thread's statements from here
            assert client.sendmail(SENDER, [box.address], raws[1]) == {}
            assert lookups == [box.address]  # once for both messages
            # the second message: its group's read of its mailbox, none at RCPT
            by_name = [s for s in statements if 'FROM "mailboxes_mailbox"' in s and "LIMIT 1" in s]
            assert len(by_name) == 1, by_name

            Mailbox.objects.filter(pk=box.pk).update(is_active=False)
            # still known at RCPT, but the group reads its mailboxes: refused at DATA
            with pytest.raises(smtplib.SMTPDataError) as refused:
                client.sendmail(SENDER, [box.address], raws[2])
            assert refused.value.smtp_code == 550
            client.rset()

            monkeypatch.setattr(lmtp, "KNOWN_SECONDS", 0.0)  # the answer has expired
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail(SENDER, [box.address], raws[3])
            assert lookups == [box.address] * 2
    finally:
        controller.stop()
    assert InboundMessage.objects.filter(mailbox=box).count() == 2
