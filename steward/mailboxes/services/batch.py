"""A poll's chunk ingested in batches (decision 0024).

1. **Read, outside the write transaction**: every message parsed, its body taken apart and
   its HTML sanitised; then the whole chunk classified with one statement per lookup (the
   Message-IDs already stored, the senders' accounts, their counts in the last hour, the
   threads' records and the incidents they name).
2. **Write, in the chunk's transaction**: the messages that need nothing but a new incident
   for a known caller, or the caller's reply on their own open incident, are written
   together (``incidents_open_many``, ``incidents_comment_many``, ``attachments_add_many``,
   then the messages, their audit entries and acknowledgements): one statement per table,
   whatever the chunk's size, under a savepoint. Every other message (unknown or
   deactivated sender, automatic mail, a loop, Cc watchers, a closed or someone else's
   record, a request mailbox, a duplicate, anything unreadable) takes the single path
   (``mail_ingest``) after it, in the chunk's order, inside the same transaction.

A batch that fails (a rule broken, another poller storing the same Message-ID first) rolls
back to its savepoint and its messages take the single path one by one, so a bad message is
quarantined alone. A database failure still fails the whole chunk (nothing marked seen).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from steward.core import audit, outbox, stamps
from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.models import User
from steward.core.services.activity_many import attachments_add_many
from steward.incidents.choices import IncidentChannel
from steward.incidents.models import Incident
from steward.incidents.services.batched import incidents_comment_many, incidents_open_many
from steward.mailboxes import selectors
from steward.mailboxes.choices import MessageStatus, RecordType
from steward.mailboxes.models import InboundMessage, Mailbox
from steward.mailboxes.services import authres, parsing, records
from steward.mailboxes.services.ingest import _head, mail_ingest, mailbox_actor
from steward.mailboxes.services.parsing import Parsed

log = logging.getLogger("steward.mail")
SINGLE, CREATE, REPLY, STORED = "single", "create", "reply", "stored"


@dataclass
class _Item:
    raw: bytes
    head: Parsed
    route: str = SINGLE
    caller: User | None = None
    number: str = ""
    incident: Incident | None = None
    comment_id: int | None = None
    result: InboundMessage | None = None
    refs: list[str] = field(default_factory=list)
    readable: bool = False  # parsed whole: the batch may write it


# a message read elsewhere (``read_apart``, in another process): what was parsed, without
# the MIME tree, and whether it was readable
Read = tuple[Parsed, bool]


def _read(raw: bytes, read: Read | None = None) -> _Item:
    """Parse outside any transaction; whatever fails here is the single path's to report."""
    if read is not None:
        return _Item(raw, read[0], readable=read[1])
    item = _Item(raw, _head(raw))
    if len(raw) > settings.MAIL_MAX_BYTES or item.head.message is None:
        return item
    try:
        parsing.parse_body(item.head)
    except Exception:  # noqa: BLE001 - the single path parses again and quarantines it
        item.head.message = None
    item.readable = item.head.message is not None
    return item


def read_apart(raw: bytes) -> Read:
    """What ``mail_ingest_many`` reads of a message, done before (decision 0041: in the LMTP
    listener's parse process, a pure function of the bytes, no database): the MIME tree is
    dropped (nothing after the read uses it, and it is costly to send between processes),
    and the new text of a possible reply is made here too."""
    item = _read(raw)
    head, readable = item.head, item.readable
    if readable and (head.in_reply_to or head.subject_number):
        head.reply  # noqa: B018 - made now, kept in the head (the writer needs it for a reply)
    head.message = head.headers = None
    return head, readable


def read_apart_many(raws: list[bytes]) -> list[Read]:
    return [read_apart(raw) for raw in raws]


def mail_ingest_many(
    mailbox: Mailbox, raws: list[bytes], reads: list[Read | None] | None = None
) -> list[InboundMessage]:
    """Ingest a poll's chunk in one transaction: what ``mail_ingest`` would do to each
    message in turn, with one commit (one disk sync, one wake-up of the worker) for the
    chunk. A message that cannot be processed is quarantined and its neighbours are kept; a
    database failure rolls the whole chunk back, so none of it is marked seen and the next
    poll fetches it again (the Message-ID makes each one record). ``reads``: the messages
    already read (``read_apart``), or None for those to read here."""
    items = [_read(raw, read) for raw, read in zip(raws, reads or [None] * len(raws), strict=True)]
    with stamps.held(), selectors.own_addresses_held():
        _classify(mailbox, items)
        with transaction.atomic():
            batched = [i for i in items if i.route in (CREATE, REPLY)]
            if batched:
                try:
                    with transaction.atomic():
                        _write(mailbox, batched)
                except (OperationalError, InterfaceError):
                    raise
                except Exception:  # noqa: BLE001 - one by one finds and parks the culprit
                    log.info("mailbox %s: batch refused, one by one", mailbox.slug, exc_info=True)
                    for item in batched:
                        item.route, item.result = SINGLE, None
            for item in items:
                if item.route in (SINGLE, STORED):
                    item.result = mail_ingest(mailbox, item.raw)
    return [item.result for item in items]  # type: ignore[misc]


def _classify(mailbox: Mailbox, items: list[_Item]) -> None:
    """Mark the messages the batch can write (``CREATE``, ``REPLY``); the rest stay
    ``SINGLE`` (``STORED``: already received, the single path returns the stored row)."""
    readable = [i for i in items if i.readable]
    ids = [i.head.message_id for i in items]
    stored = set(
        InboundMessage.objects.filter(mailbox=mailbox, message_id__in=ids).values_list(
            "message_id", flat=True
        )
    )
    seen: set[str] = set()
    for item in items:
        if item.head.message_id in stored or item.head.message_id in seen:
            item.route = STORED
        seen.add(item.head.message_id)
    if mailbox.record_type != RecordType.INCIDENT:
        return
    senders = {i.head.sender.lower() for i in readable if i.head.sender}
    users = selectors.users_by_email(senders)
    counts = selectors.recent_counts({i.head.sender for i in readable if i.head.sender})
    in_chunk = Counter(i.head.sender for i in items if i.route != STORED)
    own = selectors.own_addresses()
    limit = settings.MAIL_SENDER_LIMIT
    candidates = []
    for item in readable:
        head, sender = item.head, item.head.sender
        if (
            item.route == STORED
            or head.automatic
            or not sender
            or sender in own
            # the whole chunk's messages from a sender near the limit go one by one
            or counts.get(sender, 0) + in_chunk[sender] > limit
            or any(len(p.data) > settings.MAX_UPLOAD_BYTES for p in head.attachments)
            or set(head.in_reply_to) & seen  # refers to a message of this very chunk
            or authres.check(head.auth_results, sender)  # not authenticated: one by one
        ):
            continue
        item.caller = users.get(sender.lower())
        if item.caller is None:
            continue  # a new requester, or a deactivated one: one by one
        mine = item.caller.email.lower()
        if not [a for a in head.cc if a not in own and a != mine]:  # no watchers to add
            candidates.append(item)
    threads = selectors.thread_records([i.head.in_reply_to for i in candidates])
    wanted = {}
    for item, thread in zip(candidates, threads, strict=True):
        thread = thread or selectors.numbered_record(item.head.subject_number)
        wanted[id(item)] = thread
    numbers = {t[1] for t in wanted.values() if t and t[0] == records.INCIDENT}
    found = {
        number: (caller, status)
        for number, caller, status in Incident.objects.filter(number__in=numbers).values_list(
            "number", "caller_id", "status"
        )
    }
    for item in candidates:
        thread = wanted[id(item)]
        if thread is None:
            item.route = CREATE
        elif thread[0] == records.INCIDENT:
            caller, status = found.get(thread[1], (None, None))
            if caller is None:
                item.route = CREATE  # no such incident: the single path opens one too
            elif caller == item.caller.pk and status not in records.CLOSED:
                item.route, item.number = REPLY, thread[1]


def _write(mailbox: Mailbox, items: list[_Item]) -> None:
    actor = mailbox_actor(mailbox)
    config = selectors.mail_config()
    creates = [i for i in items if i.route == CREATE]
    team = config.teams.get(mailbox.team_id) if mailbox.team_id else None
    category = config.categories.get(mailbox.category_id) if mailbox.category_id else None
    if (mailbox.team_id and team is None) or (mailbox.category_id and category is None):
        raise LookupError("the mailbox's team or category is gone")  # one by one says so
    opened = incidents_open_many(
        actor,
        [
            {
                "title": i.head.subject or "(no subject)",
                "description": records.text_of(i.head),
                "caller": i.caller,
            }
            for i in creates
        ],
        team=team,
        category=category,
        channel=IncidentChannel.EMAIL,
    )
    for item, incident in zip(creates, opened, strict=True):
        item.incident, item.number = incident, incident.number
    replies = [i for i in items if i.route == REPLY]
    answered = incidents_comment_many(
        [
            (
                Actor(user=i.caller, channel=Channel.EMAIL),
                i.number,
                records.text_of(i.head, reply=True),
            )
            for i in replies
        ]
    )
    for item, (comment, incident) in zip(replies, answered, strict=True):
        item.incident, item.comment_id = incident, comment.pk
    attachments_add_many(
        actor,
        [(i.incident, p.filename, p.data) for i in items for p in i.head.attachments if p.data],
    )
    now = timezone.now()
    messages = InboundMessage.objects.bulk_create(
        [
            InboundMessage(
                mailbox=mailbox,
                message_id=i.head.message_id,
                sender=i.head.sender,
                subject=i.head.subject,
                raw=i.raw,
                size=len(i.raw),
                status=MessageStatus.CREATED if i.route == CREATE else MessageStatus.COMMENTED,
                caller=i.caller,
                record_type=records.INCIDENT,
                record_number=i.number,
                comment_id=i.comment_id,
                html=i.head.html,
                attempts=1,
                processed_at=now,
            )
            for i in items
        ]
    )
    audit.record_created_many(
        actor,
        messages,
        lambda m: {"status": m.status, "reason": "", "record": m.record_number},
    )
    if mailbox.acknowledge:
        outbox.emit_many(
            [
                ("mail.acknowledged", m, {"number": m.record_number, "record_type": m.record_type})
                for m in messages
                if m.status == MessageStatus.CREATED
            ]
        )
    for item, message in zip(items, messages, strict=True):
        item.result = message
