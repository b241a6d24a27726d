"""Ingestion: one received message, stored once, then a record opened, a reply added, or
the message ignored, rejected or quarantined, in that order of checks (docs/email.md).

The message row is inserted first, in the same transaction as what it causes: a second
delivery of the same Message-ID to the same mailbox finds the row (or, racing, hits the
unique constraint and waits for the first) and does nothing. Whatever fails while acting on
a message rolls back to a savepoint, so nothing is half-created, and leaves the message in
the quarantine with the error; polls never see it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from steward.core import audit, outbox, stamps
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Channel
from steward.core.errors import DomainError
from steward.core.models import User
from steward.mailboxes import selectors
from steward.mailboxes.choices import MessageStatus
from steward.mailboxes.models import InboundMessage, Mailbox
from steward.mailboxes.services import authres, parsing, records
from steward.mailboxes.services.parsing import Parsed, Unreadable

HEAD_BYTES = 1 << 20  # what is kept of a message over the size limit


@dataclass
class Outcome:
    status: str
    reason: str = ""
    number: str = ""
    comment_id: int | None = None
    caller: User | None = None
    record_type: str = ""  # "incidents.incident" or "catalog.request" with a number


def mailbox_actor(mailbox: Mailbox) -> Actor:
    """The mailbox acting on its own account, through the email channel (in the audit log)."""
    return Actor(user=None, channel=Channel.EMAIL, system_name=f"mailbox:{mailbox.slug}")


def _head(raw: bytes) -> Parsed:
    if len(raw) <= settings.MAIL_MAX_BYTES:
        return parsing.parse_head(raw)
    # too large to parse whole: its headers still give the Message-ID that dedupes it
    head = parsing.parse_head(parsing.header_block(raw, HEAD_BYTES))
    head.message = None
    return head


def mail_ingest(mailbox: Mailbox, raw: bytes) -> InboundMessage:
    """Store a received message once per (mailbox, Message-ID) and act on it."""
    # the cache stamps read once for the message, as a request reads them, instead of once
    # per cached value it uses (Steward's addresses, the caller, the incidents' settings)
    with stamps.held():
        return _ingest(mailbox, raw)


def _ingest(mailbox: Mailbox, raw: bytes) -> InboundMessage:
    head = _head(raw)
    existing = InboundMessage.objects.filter(mailbox=mailbox, message_id=head.message_id)
    if (stored := selectors.message_stored(mailbox.pk, head.message_id)) is not None:
        return InboundMessage.objects.get(pk=stored)  # a second delivery: rare
    too_large = len(raw) > settings.MAIL_MAX_BYTES
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                mailbox=mailbox,
                message_id=head.message_id,
                sender=head.sender,
                subject=head.subject,
                raw=raw[:HEAD_BYTES] if too_large else raw,
                size=len(raw),
            )
            _process(mailbox, message, head, retry=False)
    except IntegrityError:
        # the same message delivered twice at once: the other delivery stored and handled it
        if (found := existing.first()) is None:
            raise
        return found
    return message


def reprocess(message: InboundMessage, *, vouched: bool = False) -> InboundMessage:
    """Run a stored (quarantined) message through ingestion again; no rate limit, since an
    administrator asked for it; ``vouched``: she vouches for its sender, whose From the
    mail server did not authenticate (a release). The caller holds the row's lock."""
    head = _head(bytes(message.raw)) if message.size <= settings.MAIL_MAX_BYTES else None
    _process(message.mailbox, message, head, retry=True, vouched=vouched)
    return message


def _process(
    mailbox: Mailbox,
    message: InboundMessage,
    head: Parsed | None,
    *,
    retry: bool,
    vouched: bool = False,
) -> None:
    before = {"status": message.status} if retry else {}
    try:
        with transaction.atomic():
            if message.size > settings.MAIL_MAX_BYTES:
                raise Unreadable(f"larger than {settings.MAIL_MAX_BYTES} bytes")
            if head is None or head.message is None:
                raise Unreadable(head.problem if head else "not a readable MIME message")
            outcome = _route(mailbox, message, head, retry=retry, vouched=vouched)
            if outcome.status == MessageStatus.QUARANTINED:
                raise _Held(outcome.reason)
    except (OperationalError, InterfaceError):
        raise  # the database, not the message: the delivery fails and is retried as a whole
    except Exception as exc:  # noqa: BLE001 - any failure parks the message, never a crash
        outcome = Outcome(MessageStatus.QUARANTINED, _describe(exc))
    message.status = outcome.status
    message.reason = outcome.reason[:2000]
    message.caller = outcome.caller
    message.record_type = outcome.record_type if outcome.number else ""
    message.record_number = outcome.number
    message.comment_id = outcome.comment_id
    message.html = head.html if head is not None and outcome.status != "quarantined" else ""
    message.attempts += 1
    message.processed_at = timezone.now()
    message.save()
    after = {"status": message.status, "reason": message.reason, "record": outcome.number}
    action = AuditAction.UPDATE if retry else AuditAction.CREATE
    audit.record(mailbox_actor(mailbox), message, action=action, before=before, after=after)


def _acknowledge(mailbox: Mailbox, message: InboundMessage, outcome: Outcome) -> Outcome:
    """Tell the sender a new record's number (``notifications.on_acknowledged``); never for
    a reply, and never for automatic mail (which does not get this far)."""
    if outcome.status == MessageStatus.CREATED and mailbox.acknowledge:
        outbox.emit(
            "mail.acknowledged", message, number=outcome.number, record_type=outcome.record_type
        )
    return outcome


class _Held(Exception):
    """Quarantine on purpose (the rate limit): roll back whatever was begun."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, _Held | Unreadable):
        return str(exc)
    if isinstance(exc, DomainError):
        fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
        return f"{type(exc).__name__}: {exc.message}" + (f" ({fields})" if fields else "")
    return f"{type(exc).__name__}: {exc}"


def _route(
    mailbox: Mailbox, message: InboundMessage, parsed: Parsed, *, retry: bool, vouched: bool
) -> Outcome:
    parsing.parse_body(parsed)
    if parsed.automatic:
        return Outcome(MessageStatus.IGNORED, f"automatic mail: {parsed.automatic}")
    sender = parsed.sender
    if not sender:
        raise Unreadable("no single valid From address")
    if sender in selectors.own_addresses():
        return Outcome(MessageStatus.IGNORED, f"sent from Steward's own address {sender}")
    limit = settings.MAIL_SENDER_LIMIT
    if not retry and selectors.recent_from(sender, exclude=message.pk) >= limit:
        return Outcome(
            MessageStatus.QUARANTINED,
            f"more than {limit} messages from {sender} in an hour: a mail loop? Retry to let it in",
        )
    records.check_attachments(parsed)
    caller = selectors.user_by_email(sender)
    if caller is not None and not vouched and (why := authres.check(parsed.auth_results, sender)):
        # a forged From must not act as the person it names (an agent least of all); a
        # retry checks again, a release is an administrator vouching (decision 0093)
        return Outcome(MessageStatus.QUARANTINED, f"{selectors.UNAUTHENTICATED} {sender}: {why}")
    if caller is None and selectors.user_by_email(sender, active=False) is not None:
        # a deactivated person is not re-created as a new requester behind an admin's back
        return Outcome(MessageStatus.REJECTED, f"the account of {sender} is deactivated")
    if caller is None and not mailbox.allow_new_requesters:
        outbox.emit("mail.rejected", message, sender=sender)
        return Outcome(
            MessageStatus.REJECTED, f"{sender} is not a known person and the mailbox takes no new"
        )
    actor = mailbox_actor(mailbox)
    if caller is None:
        caller = records.requester_create(actor, mailbox, sender, parsed.sender_name)
    thread = selectors.thread_record(parsed.in_reply_to) or selectors.numbered_record(
        parsed.subject_number
    )
    done = records.reply(actor, mailbox, caller, thread, parsed) if thread else None
    if done is None:
        done = records.open_record(actor, mailbox, caller, parsed)
    # a follow-up is a new record, and acknowledged as one
    outcome = Outcome(done.status, "", done.number, done.comment_id, caller, done.record_type)
    return _acknowledge(mailbox, message, outcome)
