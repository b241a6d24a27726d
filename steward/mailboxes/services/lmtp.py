"""The LMTP listener (RFC 2033) for a local mail server such as Postfix: each recipient
names a mailbox; each message is stored through ``mail_ingest`` and answered per recipient
only once it is committed, so the mail server keeps (and retries) anything not stored.

Database work runs in worker threads (``sync_to_async``), never on the event loop."""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections

from steward.mailboxes import selectors
from steward.mailboxes.services.ingest import mail_ingest

log = logging.getLogger("steward.mail")
NO_SUCH_MAILBOX = "550 5.1.1 No such mailbox here"
TRY_LATER = "451 4.3.0 Temporary failure, try again later"


def _known(address: str) -> bool:
    try:
        return selectors.mailbox_by_name(address) is not None
    finally:
        close_old_connections()


def deliver(address: str, mail_from: str, raw: bytes) -> str:
    """Store one message for one recipient mailbox; the LMTP reply for it."""
    try:
        mailbox = selectors.mailbox_by_name(address)
        if mailbox is None:
            return NO_SUCH_MAILBOX
        # the envelope sender, as a final delivery agent records it: an empty one (<>) is
        # how bounces are recognised
        sender = (mail_from or "").strip().removeprefix("<").removesuffix(">")
        raw = f"Return-Path: <{sender}>\r\n".encode() + raw
        message = mail_ingest(mailbox, raw)
    except DatabaseError:
        log.warning("LMTP delivery to %s failed", address, exc_info=True)
        return TRY_LATER
    finally:
        close_old_connections()
    return f"250 2.0.0 Stored as {message.pk}"


class MailboxHandler:
    """aiosmtpd hooks: recipients are checked at RCPT, messages stored at DATA."""

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if not await sync_to_async(_known, thread_sensitive=False)(address):
            return NO_SUCH_MAILBOX
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        run = sync_to_async(deliver, thread_sensitive=False)
        replies = [
            await run(address, envelope.mail_from, envelope.original_content)
            for address in envelope.rcpt_tos
        ]
        # LMTP answers DATA once per recipient, in order
        return "\r\n".join(replies)


class LMTPController(Controller):
    """aiosmtpd's threaded controller speaking LMTP instead of SMTP."""

    def factory(self) -> LMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def lmtp_controller(host: str, port: int) -> LMTPController:
    """A listener (not yet started) on ``host:port``; messages over the size limit are
    refused at DATA (552), so the mail server bounces them."""
    return LMTPController(
        MailboxHandler(), hostname=host, port=port, data_size_limit=settings.MAIL_MAX_BYTES
    )
