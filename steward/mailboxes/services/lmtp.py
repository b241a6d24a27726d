"""The LMTP listener (RFC 2033) for a local mail server such as Postfix: each recipient
names a mailbox; each message is stored and answered per recipient only once it is
committed, so the mail server keeps (and retries) anything not stored.

Deliveries are written in groups (decision 0033): a mail server delivers over several
LMTP sessions at once (Postfix: up to 20 to one destination), and every message that
arrives while a group is being written waits for the next group, which is written by
``mail_ingest_many`` (parsed outside the transaction, one transaction for the group, a bad
message quarantined alone) and committed once. Each session's answer is sent after that
commit, so a ``250`` still means durable; a database failure answers the group's messages
``451`` and the mail server delivers them again (the Message-ID makes each one record).

Database work runs in the listener's one database thread (``Worker``), never on the event
loop; its connections are closed when the listener stops (decision 0034).

Each grouped message is parsed in a process of its own (``Parser``, decision 0041) while the
database thread writes the previous group, so parse and write use two cores; a message the
parse process could not read (it failed, or it is not running) is parsed in the group as
before. What is stored does not depend on where a message was parsed."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

import django
from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction

from steward.mailboxes import selectors
from steward.mailboxes.models import Mailbox
from steward.mailboxes.services.batch import Read, mail_ingest_many, read_apart_many
from steward.mailboxes.services.ingest import mail_ingest

log = logging.getLogger("steward.mail")
NO_SUCH_MAILBOX = "550 5.1.1 No such mailbox here"
TRY_LATER = "451 4.3.0 Temporary failure, try again later"
# messages and bytes written in one transaction: a group's messages are held in memory
# until it commits (the IMAP poll's chunk, polling.CHUNK and CHUNK_BYTES)
GROUP = 50
GROUP_BYTES = 16 << 20

# how long a recipient found at RCPT is taken as known without asking the database again:
# the group re-reads its mailboxes, so one deactivated meanwhile is still refused (550)
KNOWN_SECONDS = 10.0

# recipient address, envelope sender, message[, what the parse process read of it]
Delivery = tuple[str, str, bytes] | tuple[str, str, bytes, Read | None]
T = TypeVar("T")


class Worker:
    """The listener's database thread: every lookup and every group runs here, one at a
    time (one writer, as 0033 has it), off the event loop. One thread, so its Django
    connections are known and ``close`` closes them: a stopped listener holds none."""

    def __init__(self) -> None:
        self.executor: ThreadPoolExecutor | None = None

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        if self.executor is None:  # (again, if the listener is started after a stop)
            self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lmtp-db")
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    def close(self) -> None:
        """Close the thread's connections and end it, after what was submitted ran."""
        executor, self.executor = self.executor, None
        if executor is not None:
            executor.submit(connections.close_all).result()
            executor.shutdown(wait=True)


class Parser:
    """The listener's parse process: ``read_apart`` of each grouped message, off the event
    loop and outside the interpreter lock the database thread needs. Started with the
    listener (else at the first message); if it fails, the message is read in its group
    instead (``None``) and a new process is started for the next one."""

    def __init__(self) -> None:
        self.executor: ProcessPoolExecutor | None = None
        self.waiting: list[tuple[bytes, asyncio.Future[Read | None]]] = []
        self.reader: asyncio.Task[None] | None = None

    def start(self) -> int:
        """Start the process now rather than at the first message; its process id."""
        if self.executor is None:
            self.executor = self._new()
        return self.executor.submit(os.getpid).result()

    @staticmethod
    def _new() -> ProcessPoolExecutor:
        # a fresh interpreter (spawned: forking a process with threads is unsafe) with this
        # one's settings (from the environment, as every Steward process reads them); it
        # never opens a database connection
        spawn = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(max_workers=1, mp_context=spawn, initializer=django.setup)

    async def read(self, raw: bytes) -> Read | None:
        """What the process read of ``raw``; ``None``: read it in the group. The messages
        arriving while the process reads go to it together, in one hand-off (each hand-off
        costs the listener a few thread switches, more than sending the bytes)."""
        future: asyncio.Future[Read | None] = asyncio.get_running_loop().create_future()
        self.waiting.append((raw, future))
        if self.reader is None or self.reader.done():
            self.reader = asyncio.get_running_loop().create_task(self._read())
        return await future

    async def _read(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting[:GROUP], self.waiting[GROUP:]
            reads = await self._read_many([raw for raw, _ in batch])
            for (_, future), read in zip(batch, reads, strict=True):
                if not future.done():
                    future.set_result(read)

    async def _read_many(self, raws: list[bytes]) -> list[Read] | list[None]:
        if self.executor is None:
            self.executor = self._new()
        executor = self.executor
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(executor, read_apart_many, raws)
        except BrokenProcessPool:  # it died: a new one for the next messages
            log.warning("LMTP parse process failed: read in the group instead", exc_info=True)
            if self.executor is executor:
                self.executor = None
                executor.shutdown(wait=False)
        except Exception:  # noqa: BLE001 - the group reads them, as without a parse process
            log.warning("LMTP parse failed: read in the group instead", exc_info=True)
        return [None] * len(raws)

    def close(self) -> None:
        executor, self.executor = self.executor, None
        if executor is not None:
            executor.shutdown(wait=True)


def _known(address: str) -> bool:
    try:
        return selectors.mailbox_by_name(address) is not None
    finally:
        close_old_connections()


def _with_return_path(mail_from: str, raw: bytes) -> bytes:
    # the envelope sender, as a final delivery agent records it: an empty one (<>) is how
    # bounces are recognised
    sender = (mail_from or "").strip().removeprefix("<").removesuffix(">")
    return f"Return-Path: <{sender}>\r\n".encode() + raw


def deliver(address: str, mail_from: str, raw: bytes) -> str:
    """Store one message for one recipient mailbox in its own transaction; the LMTP reply."""
    try:
        mailbox = selectors.mailbox_by_name(address)
        if mailbox is None:
            return NO_SUCH_MAILBOX
        message = mail_ingest(mailbox, _with_return_path(mail_from, raw))
    except DatabaseError:
        log.warning("LMTP delivery to %s failed", address, exc_info=True)
        return TRY_LATER
    finally:
        close_old_connections()
    return f"250 2.0.0 Stored as {message.pk}"


def deliver_many(deliveries: list[Delivery]) -> list[str]:
    """Store a group of deliveries (any recipients) in one transaction: each mailbox's
    messages through ``mail_ingest_many``, in their order. The LMTP reply for each, given
    only after the commit; anything failing the group answers every message ``451``."""
    replies = [NO_SUCH_MAILBOX] * len(deliveries)
    try:
        mailboxes: dict[str, Mailbox | None] = {}
        by_mailbox: dict[int, list[int]] = defaultdict(list)
        for n, (address, *_) in enumerate(deliveries):
            if address not in mailboxes:
                mailboxes[address] = selectors.mailbox_by_name(address)
            if (mailbox := mailboxes[address]) is not None:
                by_mailbox[mailbox.pk].append(n)
        boxes = {m.pk: m for m in mailboxes.values() if m is not None}
        with transaction.atomic():
            for pk, indexes in by_mailbox.items():
                raws = [_with_return_path(deliveries[n][1], deliveries[n][2]) for n in indexes]
                reads = [deliveries[n][3] if len(deliveries[n]) > 3 else None for n in indexes]  # type: ignore[misc]
                stored = mail_ingest_many(boxes[pk], raws, reads)
                for n, message in zip(indexes, stored, strict=True):
                    replies[n] = f"250 2.0.0 Stored as {message.pk}"
    except Exception:  # noqa: BLE001 - nothing committed: the mail server tries again later
        log.warning("LMTP delivery of %d messages failed", len(deliveries), exc_info=True)
        # a failed connection is not the next group's: it opens a fresh one
        connections.close_all()
        return [TRY_LATER] * len(deliveries)
    finally:
        close_old_connections()
    return replies


class Groups:
    """Deliveries of all sessions, written a group at a time by one writer task: what
    arrives while a group is written goes into the next (group commit). Lives on the
    listener's event loop."""

    def __init__(
        self, size: int = GROUP, size_bytes: int = GROUP_BYTES, worker: Worker | None = None
    ) -> None:
        self.size, self.size_bytes = size, size_bytes
        self.worker = worker or Worker()
        self.pending: list[tuple[Delivery, asyncio.Future[str]]] = []
        self.writer: asyncio.Task[None] | None = None

    async def deliver(
        self, address: str, mail_from: str, raw: bytes, read: Read | None = None
    ) -> str:
        """The LMTP reply for one recipient of one message, once its group committed;
        ``read``: the message with its Return-Path as the parse process read it."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.pending.append(((address, mail_from, raw, read), future))
        if self.writer is None or self.writer.done():
            self.writer = asyncio.get_running_loop().create_task(self._write())
        return await future

    def _take(self) -> list[tuple[Delivery, asyncio.Future[str]]]:
        size, n = 0, 0
        while n < len(self.pending) and n < self.size:
            size += len(self.pending[n][0][2])
            n += 1
            if size >= self.size_bytes:
                break
        group, self.pending = self.pending[:n], self.pending[n:]
        return group

    async def _write(self) -> None:
        while self.pending:
            group = self._take()
            try:
                replies = await self.worker.run(deliver_many, [d for d, _ in group])
            except Exception:  # noqa: BLE001 - deliver_many answers; this is the last guard
                log.exception("LMTP group failed")
                replies = [TRY_LATER] * len(group)
            for (_, future), reply in zip(group, replies, strict=True):
                if not future.done():
                    future.set_result(reply)


class MailboxHandler:
    """aiosmtpd hooks: recipients are checked at RCPT, messages stored at DATA; ``group``
    messages at most in a transaction (1: each message in its own, as the pipe does)."""

    def __init__(self, group: int = GROUP, *, parse_process: bool = True) -> None:
        self.group = group
        self.groups: Groups | None = None
        self.worker = Worker()
        self.parser = Parser() if parse_process and group > 1 else None
        # address -> when it was last found: a mail server names the same few mailboxes in
        # every transaction, and each lookup was a hand-off to the database thread and back
        self.known: dict[str, float] = {}
        self.answered = 0  # messages answered (the bench samples memory by it)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        now = time.monotonic()
        if now - self.known.get(address, -KNOWN_SECONDS) >= KNOWN_SECONDS:
            if not await self.worker.run(_known, address):
                return NO_SUCH_MAILBOX
            self.known[address] = now
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content = envelope.original_content
        if self.group <= 1:
            replies = [
                await self.worker.run(deliver, a, envelope.mail_from, content)
                for a in envelope.rcpt_tos
            ]
        else:
            if self.groups is None:  # made on the listener's own loop
                self.groups = Groups(self.group, worker=self.worker)
            read = None
            if self.parser is not None:  # the bytes the group stores: with the Return-Path
                read = await self.parser.read(_with_return_path(envelope.mail_from, content))
            replies = await asyncio.gather(
                *(
                    self.groups.deliver(a, envelope.mail_from, content, read)
                    for a in envelope.rcpt_tos
                )
            )
        self.answered += 1
        # LMTP answers DATA once per recipient, in order
        return "\r\n".join(replies)


class LMTPController(Controller):
    """aiosmtpd's threaded controller speaking LMTP instead of SMTP."""

    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)

    def start(self) -> None:
        """Serve; the parse process is started first, so no message waits for it."""
        if self.handler.parser is not None:
            self.handler.parser.start()
        super().start()

    def stop(self, no_assert: bool = False) -> None:
        """Stop serving, then close the database thread's connections (PostgreSQL would
        otherwise keep a session per stopped listener until the process ends)."""
        try:
            super().stop(no_assert)
        finally:
            try:
                self.handler.worker.close()
            finally:
                if self.handler.parser is not None:
                    self.handler.parser.close()


def lmtp_controller(
    host: str, port: int, *, group: int = GROUP, parse_process: bool = True
) -> LMTPController:
    """A listener (not yet started) on ``host:port``; messages over the size limit are
    refused at DATA (552), so the mail server bounces them. ``parse_process``: grouped
    messages parsed in a second process (decision 0041)."""
    return LMTPController(
        MailboxHandler(group, parse_process=parse_process),
        hostname=host,
        port=port,
        data_size_limit=settings.MAIL_MAX_BYTES,
    )
