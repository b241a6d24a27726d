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
loop; its connections are closed when the listener stops (decision 0034)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction

from steward.mailboxes import selectors
from steward.mailboxes.models import Mailbox
from steward.mailboxes.services.batch import mail_ingest_many
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

Delivery = tuple[str, str, bytes]  # recipient address, envelope sender, message
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
        for n, (address, _, _) in enumerate(deliveries):
            if address not in mailboxes:
                mailboxes[address] = selectors.mailbox_by_name(address)
            if (mailbox := mailboxes[address]) is not None:
                by_mailbox[mailbox.pk].append(n)
        boxes = {m.pk: m for m in mailboxes.values() if m is not None}
        with transaction.atomic():
            for pk, indexes in by_mailbox.items():
                raws = [_with_return_path(deliveries[n][1], deliveries[n][2]) for n in indexes]
                for n, message in zip(indexes, mail_ingest_many(boxes[pk], raws), strict=True):
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

    async def deliver(self, address: str, mail_from: str, raw: bytes) -> str:
        """The LMTP reply for one recipient of one message, once its group committed."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.pending.append(((address, mail_from, raw), future))
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

    def __init__(self, group: int = GROUP) -> None:
        self.group = group
        self.groups: Groups | None = None
        self.worker = Worker()
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
            replies = await asyncio.gather(
                *(self.groups.deliver(a, envelope.mail_from, content) for a in envelope.rcpt_tos)
            )
        self.answered += 1
        # LMTP answers DATA once per recipient, in order
        return "\r\n".join(replies)


class LMTPController(Controller):
    """aiosmtpd's threaded controller speaking LMTP instead of SMTP."""

    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)

    def stop(self, no_assert: bool = False) -> None:
        """Stop serving, then close the database thread's connections (PostgreSQL would
        otherwise keep a session per stopped listener until the process ends)."""
        try:
            super().stop(no_assert)
        finally:
            self.handler.worker.close()


def lmtp_controller(host: str, port: int, *, group: int = GROUP) -> LMTPController:
    """A listener (not yet started) on ``host:port``; messages over the size limit are
    refused at DATA (552), so the mail server bounces them."""
    return LMTPController(
        MailboxHandler(group), hostname=host, port=port, data_size_limit=settings.MAIL_MAX_BYTES
    )
