"""One notification path: outbox consumers queue rendered mail, the worker sends it after commit.

An app's ``notifications.py`` registers an outbox consumer that decides the recipients,
renders each mail and calls ``queue``. ``queue`` only inserts rows (in the dispatcher's
transaction); ``send_pending`` runs after that transaction commits and holds no lock while it
talks to SMTP: it claims a row (one UPDATE, committed), sends, then marks it sent. A failed
send releases the claim and waits out a backoff; after the retry horizon the mail is
dead-lettered (``steward/core/retries.py``). A worker killed between claim and send leaves a
claim that expires after ``CLAIM_LEASE``; an SMTP call gives up long before that
(``settings.EMAIL_TIMEOUT``), so a live sender never loses its claim. A worker killed between
the SMTP answer and the mark could send again after the lease: the stable Message-ID lets
mail clients fold that (docs/security.md, "Delivery guarantees").
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import threading
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import models
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from steward.core import retries, retry_wakeups, stopping
from steward.core.models import OutgoingMail

log = logging.getLogger("steward.mail")
# 10 minutes by default; ten times the SMTP timeout, so a live sender never loses its claim
CLAIM_LEASE = dt.timedelta(seconds=10 * settings.EMAIL_TIMEOUT)


@dataclass(frozen=True)
class Mail:
    """A rendered mail to one address."""

    recipient: str
    subject: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)


# RFC 3834: every mail Steward queues is sent by a machine; mail clients and other helpdesks
# must not auto-reply to it (no out-of-office ping-pong). A Mail may say otherwise.
AUTOMATIC = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def _headers(mail: Mail) -> dict[str, str]:
    """The mail's headers with a Message-ID (recorded, so replies thread) and the
    automatic-mail markers unless the mail sets its own."""
    headers = {**AUTOMATIC, **mail.headers}
    if not headers.get("Message-ID"):
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "steward.local"
        headers["Message-ID"] = make_msgid(domain=domain)
    return headers


@dataclass(frozen=True)
class Thread:
    """What a channel knows of a record's mail thread: the Message-IDs received for it, oldest
    first (a reply names them so it threads under the caller's own message), and the address
    the caller wrote to (replies to Steward's mail go back there)."""

    received: tuple[str, ...] = ()
    reply_to: str = ""


_threaders: list[Callable[[models.Model], Thread]] = []


def threader(fn: Callable[[models.Model], Thread]) -> Callable[[models.Model], Thread]:
    """Register a channel's thread lookup (the mail channel does; core knows no app)."""
    _threaders.append(fn)
    return fn


def thread_of(record: models.Model) -> Thread:
    """The record's mail thread as the registered channels know it (empty without one)."""
    received: list[str] = []
    reply_to = ""
    for fn in _threaders:
        found = fn(record)
        received += [i for i in found.received if i not in received]
        reply_to = reply_to or found.reply_to
    return Thread(tuple(received), reply_to)


def thread_headers(root: str, thread: Thread) -> dict[str, str]:
    """In-Reply-To and References for a mail about a record (RFC 5322 3.6.4): under the
    latest message received for it, else under the record's root id; References lists the
    caller's first message, the latest few, then the root (bounded: some servers refuse very
    long headers)."""
    ids = list(thread.received)
    if len(ids) > 10:
        ids = ids[:1] + ids[-9:]
    headers = {"In-Reply-To": ids[-1] if ids else root, "References": " ".join([*ids, root])}
    if thread.reply_to:
        headers["Reply-To"] = thread.reply_to
    return headers


def language_of(user: models.Model | None) -> str:
    """The language a person reads their mail in: their profile's, else the site's (a bare
    address, such as a team's list or a stranger's, is no one's profile; a person who chose
    none has no browser a mail could ask, decision 0116)."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def chosen_language(user: models.Model | None) -> str | None:
    """The language a person chose in their profile when the product ships it, else
    ``None`` (no choice, or a withdrawn code): a page then follows the browser."""
    code = getattr(user, "language", "") or ""
    return code if code in dict(settings.LANGUAGES) else None


def zone_of(user: models.Model | None) -> zoneinfo.ZoneInfo:
    """The time zone a person reads Steward in: their profile's, else the site's (also for
    a zone no longer known)."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def recipients(users: Iterable, *, exclude: models.Model | None = None) -> dict[str, str]:
    """Each person who wants mail, by address, with the language they read Steward in."""
    out = {}
    for user in users:
        if user is None or not user.is_active or not user.email or not user.email_notifications:
            continue
        if exclude is not None and user.pk == exclude.pk:
            continue
        out[user.email] = language_of(user)
    return dict(sorted(out.items()))


def by_language(addresses: Mapping[str, str] | Iterable[str]) -> dict[str, list[str]]:
    """The addresses grouped by the language their mail is written in: a person's own
    (``recipients``); a bare address reads the site's language."""
    languages = addresses if isinstance(addresses, Mapping) else dict.fromkeys(addresses)
    groups: dict[str, list[str]] = {}
    for address, language in languages.items():
        groups.setdefault(language or settings.LANGUAGE_CODE, []).append(address)
    return groups


def render(template: str, context: dict, *, language: str) -> tuple[str, str]:
    """A mail template's subject (its first line) and text, written in the reader's language
    (``language``), not in the one of whoever's action sent it (decision 0026)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
    subject, _, text = body.partition("\n")
    return subject.strip(), text


def event_key(event: models.Model) -> str:
    """The usual once-key: one mail per outbox event, recipient and kind."""
    return f"event:{event.pk}"


def queue(*, key: str, kind: str, record: models.Model, mails: Iterable[Mail]) -> int:
    """Store mails not yet queued under (key, recipient, kind); return how many are new.

    Call it from an outbox consumer: the dispatcher sends what was queued once its batch has
    committed (elsewhere, the worker's minute sweep sends it).
    """
    wanted = {m.recipient: m for m in mails}
    if not wanted:
        return 0
    known = set(
        OutgoingMail.objects.filter(key=key, kind=kind, recipient__in=wanted).values_list(
            "recipient", flat=True
        )
    )
    rows = []
    for address, m in sorted(wanted.items()):
        if address in known:
            continue
        headers = _headers(m)
        rows.append(
            OutgoingMail(
                key=key,
                kind=kind,
                recipient=m.recipient,
                record_type=record._meta.label_lower,
                record_id=str(record.pk),
                subject=m.subject[:300],
                body=m.body,
                headers=headers,
                message_id=headers["Message-ID"].strip()[:250],
            )
        )
    # a concurrent dispatch of the same event may insert first: its row wins, ours is dropped
    OutgoingMail.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# The claims this process holds, by thread: (mail id, the claim's time) -> whether the SMTP
# server has accepted the mail. A graceful stop (``release_held``) gives back the claims of
# mails not yet handed to SMTP and marks sent the ones that were: never a second send.
_held: dict[int, dict[tuple[int, dt.datetime], bool]] = {}
_held_lock = threading.Lock()


def _mine() -> dict[tuple[int, dt.datetime], bool]:
    with _held_lock:
        return _held.setdefault(threading.get_ident(), {})


def _claim(pk: int) -> dt.datetime | None:
    """Take the row for this worker (one committed UPDATE), unless sent, freshly claimed or
    not due (another worker failed it since we listed it); return the claim's time.

    The claim carries the time it is taken, not the time the run began: a mail claimed late
    in a slow run keeps its whole lease, so no second worker takes it while it is sent."""
    now = timezone.now()
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE)
    taken = OutgoingMail.objects.filter(
        Q(pk=pk, sent_at__isnull=True) & free & retries.due(now)
    ).update(claimed_at=now)
    if not taken:
        return None
    _mine()[(pk, now)] = False
    return now


def _mark_sent(pk: int) -> None:
    OutgoingMail.objects.filter(pk=pk).update(
        sent_at=timezone.now(),
        attempts=F("attempts") + 1,
        last_error="",
        **retries.AFTER_SUCCESS,
    )


def send_pending(*, limit: int = 200, heartbeat: Callable[[], None] | None = None) -> int:
    """Send due mail, each at most once; call it outside any transaction. Returns the count.
    ``heartbeat`` is called before each mail (the sweep renews its lease there). A worker
    that is stopping (``steward.core.stopping``) sends the mail in hand and no more."""
    now = timezone.now()
    due = (
        OutgoingMail.objects.filter(retries.due(now), sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .order_by("id")[:limit]
    )
    sent = 0
    held = _mine()
    for mail in list(due):
        if stopping.requested():
            log.info("worker stopping: the due mails left wait for the next sweep")
            break
        if heartbeat:
            heartbeat()
        claimed = _claim(mail.pk)
        if claimed is None:
            continue  # another worker has it
        try:
            EmailMessage(
                subject=mail.subject, body=mail.body, to=[mail.recipient], headers=mail.headers
            ).send()
        except Exception as exc:  # SMTP down: release the claim, retry after a backoff
            log.warning("mail %s to %s failed", mail.pk, mail.recipient, exc_info=True)
            _failed(mail, exc)
            held.pop((mail.pk, claimed), None)
            if server_unreachable(exc):
                log.warning("SMTP server unreachable: the other due mails wait for the retry")
                break
            continue
        held[(mail.pk, claimed)] = True  # accepted: from now on only ever marked sent
        _mark_sent(mail.pk)
        held.pop((mail.pk, claimed), None)
        sent += 1
    return sent


# the server as a whole failed (no connection, no greeting, refused our login, hung up),
# not this one mail: the mails after it in the pass would fail the same way
_SERVER_FAILURES = (
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPServerDisconnected,
)


def server_unreachable(exc: Exception) -> bool:
    """Whether a send failed for every mail alike: a socket error (refused, timed out,
    unreachable) or an SMTP failure before any recipient was named. A pass stops there
    instead of trying, and timing out on, each of its 200 mails in turn; the failed mail's
    scheduled retry (``retry_wakeups``) resumes in id order. A mail the server refused
    (recipient, size, content) is that mail's failure, and the pass goes on."""
    if isinstance(exc, _SERVER_FAILURES):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def release_held() -> int:
    """Give back the claims this thread still holds (a worker thread's shutdown hook, and
    after a job that failed between claim and mark): a mail not yet accepted by SMTP is
    free again at once instead of after ``CLAIM_LEASE``; one that was accepted is marked
    sent, never released. A claim that expired and was taken by another worker since is
    not ours any more (its time differs) and is left alone. Returns how many were freed."""
    with _held_lock:
        held = _held.pop(threading.get_ident(), {})
    freed = 0
    for (pk, claimed), accepted in held.items():
        if accepted:
            _mark_sent(pk)
            continue
        freed += OutgoingMail.objects.filter(
            pk=pk, claimed_at=claimed, sent_at__isnull=True
        ).update(claimed_at=None)
    if freed:
        log.info("released %s mail claims on the way out", freed)
    return freed


def _failed(mail: OutgoingMail, exc: Exception) -> None:
    """Release the claim and schedule the next try, or dead-letter the mail."""
    mail.refresh_from_db(fields=["attempts", "failing_since"])  # as claimed, not as listed
    state = retries.after_failure(
        failures=mail.attempts + 1, failing_since=mail.failing_since, now=timezone.now()
    )
    if state["dead_at"]:
        log.error("mail %s to %s dead-lettered", mail.pk, mail.recipient)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        claimed_at=None, attempts=F("attempts") + 1, last_error=repr(exc)[:2000], **state
    )
    retry_wakeups.dispatch_at(state["next_attempt_at"])
