"""Reads of received messages: the quarantine and the audit trail, for administrators; and
the lookups ingestion needs (threads, senders, loops)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from steward.catalog import selectors as catalog_selectors
from steward.catalog.models import Request
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.models import OutgoingMail, User
from steward.core.pagination import Page, paginate
from steward.core.selectors import compiled
from steward.incidents import selectors as incident_selectors
from steward.incidents.models import Incident
from steward.mailboxes.choices import MessageStatus
from steward.mailboxes.models import InboundMessage

INCIDENT = "incidents.incident"
REQUEST = "catalog.request"
THREADED = (INCIDENT, REQUEST)  # record types mail threads onto
PREFIXES = {"INC": INCIDENT, "REQ": REQUEST}
# False: ``opened_by_mail`` compiles its queryset on every call (the page as before decision
# 0089); tests render the incident page both ways and compare
COMPILED = True


def message_visible(actor: Actor) -> QuerySet[InboundMessage]:
    """Raw mail may carry anything: administrators only."""
    qs = InboundMessage.objects.all()
    return qs if actor.is_admin else qs.none()


def message_list(
    actor: Actor,
    *,
    status: str | None = None,
    mailbox: str | None = None,
    q: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of received messages, newest first; ``defer`` keeps the raw bytes unread."""
    qs = message_visible(actor).select_related("mailbox").defer("raw")
    if status:
        qs = qs.filter(status=status)
    if mailbox:
        qs = qs.filter(mailbox__slug=mailbox)
    if q:
        qs = qs.filter(Q(sender__icontains=q) | Q(subject__icontains=q))
    return paginate(qs, order=("-received_at", "-id"), cursor=cursor, limit=limit)


def message_get(actor: Actor, *, pk: int, for_update: bool = False) -> InboundMessage:
    """One message the actor may see, or ``NotFound``."""
    qs = message_visible(actor).select_related("mailbox")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    message = qs.filter(pk=pk).first()
    if message is None:
        raise NotFound()
    return message


def _record_visible(actor: Actor, record_type: str, number: str) -> bool:
    """Whether the actor may see the incident or request a message went to."""
    if record_type == INCIDENT:
        return incident_selectors.incident_visible(actor).filter(number=number).exists()
    if record_type == REQUEST:
        return catalog_selectors.request_visible(actor).filter(number=number).exists()
    return False


def _for_agent(actor: Actor, message: InboundMessage | None) -> InboundMessage:
    """The message for an agent who may see the record it went to; ``NotFound`` for anyone
    else alike (requesters too: raw mail may carry what was never meant for the record)."""
    if message is None or not actor.is_agent:
        raise NotFound()
    if not _record_visible(actor, message.record_type, message.record_number):
        raise NotFound()
    return message


def message_for_comment(actor: Actor, *, comment_id: int) -> InboundMessage:
    """The message a comment came from, for an agent who may see the record it is on (the
    raw mail is theirs to read as the comment is); ``NotFound`` for anyone else, alike."""
    message = (
        InboundMessage.objects.select_related("mailbox")
        .filter(comment_id=comment_id, record_type__in=THREADED)
        .first()
    )
    return _for_agent(actor, message)


def message_opening(actor: Actor, *, record_type: str, number: str) -> InboundMessage:
    """The message that opened an incident or a request, for an agent who may see the
    record; ``NotFound`` for anyone else, and for a record not opened by mail."""
    message = (
        InboundMessage.objects.select_related("mailbox")
        .filter(record_type=record_type, record_number=number, status=MessageStatus.CREATED)
        .order_by("received_at", "id")
        .first()
    )
    return _for_agent(actor, message)


def opened_by_mail(actor: Actor, *, record_type: str, number: str) -> bool:
    """Whether the page of a record the actor sees should link its opening message: agents
    only, and only when a message opened it (one indexed query)."""
    if not actor.is_agent:
        return False
    if COMPILED:  # the SQL compiled once per process (decision 0089): the same one statement
        return bool(
            compiled.rows("mailboxes.opened", _opening, record_type=record_type, number=number)
        )
    return InboundMessage.objects.filter(
        record_type=record_type, record_number=number, status=MessageStatus.CREATED
    ).exists()


def _opening(record_type: str, number: str) -> QuerySet:
    return InboundMessage.objects.filter(
        record_type=record_type, record_number=number, status=MessageStatus.CREATED
    ).values("id")[:1]


def thread_record(ids: list[str]) -> tuple[str, str] | None:
    """The record (type, number) a reply belongs to, from the Message-IDs it refers to: one
    Steward sent about an incident or a request (``OutgoingMail.message_id``) or one it
    received for it; the first id listed wins."""
    return thread_records([ids])[0]


def thread_records(lists: list[list[str]]) -> list[tuple[str, str] | None]:
    """``thread_record`` for each list of Message-IDs (a poll's chunk), in at most four
    statements whatever the number of lists."""
    every = sorted({i for ids in lists for i in ids})
    if not every:
        return [None] * len(lists)
    found: dict[str, tuple[str, str]] = {}
    sent = OutgoingMail.objects.filter(message_id__in=every, record_type__in=THREADED)
    pks: dict[str, set[int]] = {}
    rows = list(sent.values_list("message_id", "record_type", "record_id"))
    for _, record_type, pk in rows:
        pks.setdefault(record_type, set()).add(int(pk))
    numbers = (
        {
            (INCIDENT, pk): number
            for pk, number in Incident.objects.filter(pk__in=pks.get(INCIDENT, ())).values_list(
                "pk", "number"
            )
        }
        if INCIDENT in pks
        else {}
    )
    if REQUEST in pks:
        requests = Request.objects.filter(pk__in=pks[REQUEST]).values_list("pk", "number")
        numbers.update({(REQUEST, pk): number for pk, number in requests})
    for mid, record_type, pk in rows:
        if number := numbers.get((record_type, int(pk))):
            found[mid] = (record_type, number)
    received = InboundMessage.objects.filter(
        message_id__in=every, record_type__in=THREADED
    ).exclude(record_number="")
    for mid, record_type, number in received.values_list(
        "message_id", "record_type", "record_number"
    ):
        found.setdefault(mid, (record_type, number))
    return [next((found[i] for i in ids if i in found), None) for ids in lists]


def numbered_record(number: str) -> tuple[str, str] | None:
    """The record type a number like ``[REQ0000012]`` in a subject names, with the number."""
    record_type = PREFIXES.get(number[:3])
    return (record_type, number) if record_type else None


# the active person for an address, per process under the ``auth`` stamp (any save of a
# person, their roles, served organisations or organisation moves it), as token
# authentication keeps its users: every message looks its sender up
_callers: dict[str, tuple[int, User | None]] = {}
_CALLERS_MAX = 10_000  # past this, start again: bounded whatever senders write
stamps.also_forget(_callers.clear)


def user_by_email(address: str, *, active: bool = True) -> User | None:
    """The active (or deactivated) person with this address; the oldest account if several
    share it. The active one is kept per process (``_callers``) while the ``auth`` stamp
    stands."""
    if not active:
        return _user_by_email(address, active=False)
    key = address.lower()
    version = stamps.current()[stamps.AUTH]  # read first: a change after it reloads
    seen = _callers.get(key)
    if seen is not None and seen[0] == version:
        return seen[1]
    user = _user_by_email(key, active=True)
    if len(_callers) >= _CALLERS_MAX:
        _callers.clear()
    _callers[key] = (version, user)
    return user


def _user_by_email(address: str, *, active: bool) -> User | None:
    # Lower(email) = the lower-cased address: served by the index core_user_email_lower
    # (``email__iexact`` is LIKE on SQLite and UPPER() on PostgreSQL: no index serves it)
    found = User.objects.alias(email_lower=Lower("email")).filter(
        is_active=active, email_lower=address.lower()
    )
    return found.order_by("id").first()


def recent_from(
    sender: str, *, exclude: int, hours: int = 1, now: dt.datetime | None = None
) -> int:
    """How many messages this sender sent in the last ``hours`` (the loop guard)."""
    since = (now or timezone.now()) - dt.timedelta(hours=hours)
    # plain SQL: it runs for every message, and building the ORM's statement cost more than
    # running it; ``recent_from_orm`` is the same query (tests/mailboxes/test_statements.py)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {_MESSAGES} WHERE sender = %s AND received_at >= %s"  # noqa: S608 - the model's own table
            " AND id <> %s",
            [sender, connection.ops.adapt_datetimefield_value(since), exclude],
        )
        return cursor.fetchone()[0]


def recent_from_orm(sender: str, *, exclude: int, since: dt.datetime) -> int:
    """``recent_from`` as the ORM writes it (kept for the equality test)."""
    return (
        InboundMessage.objects.filter(sender=sender, received_at__gte=since)
        .exclude(pk=exclude)
        .count()
    )


def message_stored(mailbox_id: int, message_id: str) -> int | None:
    """The id of the message already stored under this Message-ID in this mailbox, if any
    (plain SQL, like ``recent_from``: every message asks it first)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {_MESSAGES} WHERE mailbox_id = %s AND message_id = %s",  # noqa: S608 - the model's own table
            [mailbox_id, message_id],
        )
        row = cursor.fetchone()
    return row[0] if row else None


_MESSAGES = InboundMessage._meta.db_table  # a plain lower-case name on both databases


def record_thread(record_type: str, number: str) -> tuple[list[str], str]:
    """The Message-IDs received for a record (oldest first; the first and the latest nine at
    most, as ``core.mail.thread_headers`` uses them) and the address the first was sent to."""
    qs = InboundMessage.objects.filter(
        record_type=record_type,
        record_number=number,
        status__in=(MessageStatus.CREATED, MessageStatus.COMMENTED),
    )
    rows = list(
        qs.order_by("-received_at", "-id").values_list("message_id", "mailbox__address")[:9]
    )
    first = qs.order_by("received_at", "id").values_list("message_id", "mailbox__address").first()
    if first is not None and first not in rows:
        rows.append(first)
    rows.reverse()
    return [mid for mid, _ in rows], (rows[0][1] if rows else "")


def users_by_email(addresses: set[str]) -> dict[str, User]:
    """``user_by_email`` (active people) for many lower-cased addresses in one statement,
    with their organisations."""
    if not addresses:
        return {}
    found: dict[str, User] = {}
    rows = (
        User.objects.alias(email_lower=Lower("email"))
        .filter(is_active=True, email_lower__in=sorted(addresses))
        .select_related("organisation")
        .order_by("-id")
    )
    for user in rows:  # the oldest account last, so it wins
        found[user.email.lower()] = user
    return found


def recent_counts(senders: set[str], *, hours: int = 1) -> dict[str, int]:
    """``recent_from`` for many senders in one statement (messages already stored)."""
    if not senders:
        return {}
    since = timezone.now() - dt.timedelta(hours=hours)
    rows = (
        InboundMessage.objects.filter(sender__in=sorted(senders), received_at__gte=since)
        .values_list("sender")
        .annotate(n=Count("id"))
    )
    return dict(rows)


# how a message held for its sender's authentication begins its reason (decision 0093)
UNAUTHENTICATED = "the mail server did not authenticate the From"


def held_unauthenticated(message: InboundMessage) -> bool:
    """Quarantined because the mail server did not authenticate its known sender: what an
    administrator may release (vouching for the sender)."""
    return message.status == MessageStatus.QUARANTINED and message.reason.startswith(
        UNAUTHENTICATED
    )
