"""Polling IMAP mailboxes: fetch unseen messages, store each, and only then mark it seen,
so a crash between the two fetches the message again (and the Message-ID dedupes it)."""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import logging
import ssl
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from steward.core import leases, stopping
from steward.core.actor import Actor
from steward.core.services.common import require_admin
from steward.mailboxes import selectors
from steward.mailboxes.choices import MailboxKind
from steward.mailboxes.models import Mailbox
from steward.mailboxes.services.batch import mail_ingest_many

log = logging.getLogger("steward.mail")
LEASE = dt.timedelta(minutes=5)
# how often a working poll extends its lease: well inside LEASE, so the lease never lapses
# while a chunk is fetched and stored
RENEW_EVERY = LEASE.total_seconds() / 10
BATCH = 200  # messages per poll; the rest come at the next one
# messages per transaction (one commit and one STORE each), bounded in bytes too: a chunk's
# messages are held in memory until it commits
CHUNK = 50
CHUNK_BYTES = 16 << 20
TIMEOUT = 30  # seconds for any one IMAP answer
TEST_TIMEOUT = 8  # an administrator waits for "test connection"
Connect = Callable[[Mailbox], Any]


class _Bounded:
    """imaplib's timeout is per socket operation: a server answering slowly, line by line,
    would hold the caller for a multiple of it. While ``deadline`` (a ``time.monotonic()``
    value) is set, every line read gets only what is left until then; ``per_answer`` is the
    timeout of each answer otherwise."""

    sock: Any

    def __init__(self, *args: Any, deadline: float | None, per_answer: float, **kwargs: Any):
        self.deadline, self.per_answer = deadline, per_answer
        super().__init__(*args, timeout=min(per_answer, deadline - time.monotonic()), **kwargs)  # type: ignore[call-arg]

    def readline(self) -> bytes:
        if self.deadline is not None:
            self.sock.settimeout(max(self.deadline - time.monotonic(), 0.01))
        return super().readline()  # type: ignore[misc]


class _IMAP(_Bounded, imaplib.IMAP4):
    pass


class _IMAPS(_Bounded, imaplib.IMAP4_SSL):
    pass


def bound(conn: Any, deadline: float | None) -> None:
    """Bound what is left of a connection's commands by ``deadline`` (None: each answer
    within the connection's own timeout again). Connections not made here are left alone."""
    if isinstance(conn, _Bounded):
        conn.deadline = deadline
        if deadline is None and conn.sock is not None:
            conn.sock.settimeout(conn.per_answer)


def imap_connect(mailbox: Mailbox, timeout: float = TIMEOUT) -> Any:
    """An authenticated IMAP connection (the folder is selected by the caller). Connecting,
    the greeting and the login together take at most ``timeout`` seconds; afterwards each
    answer gets ``timeout`` seconds."""
    limits = {"deadline": time.monotonic() + timeout, "per_answer": timeout}
    if mailbox.imap_tls:
        conn = _IMAPS(
            mailbox.imap_host,
            mailbox.imap_port,
            ssl_context=ssl.create_default_context(),
            **limits,
        )
    else:
        conn = _IMAP(mailbox.imap_host, mailbox.imap_port, **limits)
    conn.login(mailbox.imap_username, mailbox.imap_password)
    bound(conn, None)
    return conn


def _raw(fetched: list[Any]) -> bytes | None:
    """The message bytes in a FETCH answer: the first (envelope, bytes) pair."""
    for item in fetched or ():
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


class PollFailed(Exception):
    """A poll that could not reach the folder; the text says why in words (shown on the
    mailbox's page as its last error)."""


def connect_problem(where: str, exc: BaseException, timeout: float) -> str:
    """What went wrong connecting and logging in, as an administrator reads it."""
    if isinstance(exc, TimeoutError):
        return f"No answer from {where} within {timeout:g} seconds."
    if isinstance(exc, ssl.SSLError):
        return (
            f"TLS with {where} failed: {getattr(exc, 'verify_message', '') or exc.reason or exc}."
        )
    if isinstance(exc, imaplib.IMAP4.error):
        return f"{where} refused the login: {_said(exc).rstrip('.')}."
    if isinstance(exc, OSError):
        return f"Cannot connect to {where}: {exc.strerror or exc}."
    return f"{type(exc).__name__}: {exc}"


def mailbox_poll(mailbox: Mailbox, *, connect: Connect = imap_connect, renew=None) -> int:  # noqa: ANN001
    """Store the folder's unseen messages; return how many were fetched. They are stored in
    chunks, each in one transaction (``mail_ingest_many``), and marked seen (one STORE for
    the chunk) only after that commit: a crash before it leaves them unseen and fetched
    again, and the Message-ID makes each one record."""
    try:
        conn = connect(mailbox)
    except (imaplib.IMAP4.error, OSError, EOFError) as exc:
        where = f"{mailbox.imap_host}:{mailbox.imap_port}"
        raise PollFailed(connect_problem(where, exc, TIMEOUT)) from exc
    fetched = 0
    try:
        status, _ = conn.select(mailbox.imap_folder)
        if status != "OK":
            raise PollFailed(f"Logged in, but the folder {mailbox.imap_folder!r} cannot be opened.")
        status, data = conn.uid("SEARCH", None, "UNSEEN")
        uids = (data[0] or b"").split() if status == "OK" and data else []
        chunk: list[tuple[bytes, bytes]] = []
        size = 0
        try:
            for uid in uids[:BATCH]:
                if stopping.requested():
                    break  # a worker stopping: the rest stay unseen for the next poll
                if renew:
                    renew()
                # BODY.PEEK leaves the message unseen until it is stored
                status, answer = conn.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = _raw(answer) if status == "OK" else None
                if raw is None:
                    log.warning("mailbox %s: no body for uid %s", mailbox.slug, uid)
                    continue
                chunk.append((uid, raw))
                size += len(raw)
                if len(chunk) >= CHUNK or size >= CHUNK_BYTES:
                    fetched, chunk, size = fetched + _store(conn, mailbox, chunk), [], 0
        except (imaplib.IMAP4.error, OSError, EOFError):
            # the connection broke mid-chunk: keep what was fetched (if the STORE fails
            # too, those stay unseen and their Message-IDs dedupe them next time)
            if chunk:
                with contextlib.suppress(imaplib.IMAP4.error, OSError, EOFError):
                    fetched += _store(conn, mailbox, chunk)
            raise
        if chunk:
            fetched += _store(conn, mailbox, chunk)
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            log.info("mailbox %s: logout failed", mailbox.slug, exc_info=True)
    return fetched


def _store(conn: Any, mailbox: Mailbox, chunk: list[tuple[bytes, bytes]]) -> int:
    """Ingest a chunk in one transaction (committed, or raises: then it stays unseen), then
    flag it seen with one STORE."""
    mail_ingest_many(mailbox, [raw for _, raw in chunk])
    conn.uid("STORE", b",".join(uid for uid, _ in chunk), "+FLAGS", "(\\Seen)")
    return len(chunk)


def mailbox_test_connection(
    actor: Actor, *, slug: str, connect: Callable[..., Any] = imap_connect
) -> tuple[bool, str]:
    """An administrator's "test connection": log in and select the folder, all within
    ``TEST_TIMEOUT`` seconds (the logout gets one more), and say in words what happened.
    Reads nothing, marks nothing, stores nothing. A mailbox the actor may not see is
    ``NotFound``, as everywhere else."""
    mailbox = selectors.mailbox_get(actor, slug=slug)
    require_admin(actor, gettext("test mailbox connections"))
    if mailbox.kind != MailboxKind.IMAP:
        return False, gettext(
            "This mailbox is fed by the mail server (pipe or LMTP): nothing to test."
        )
    where = f"{mailbox.imap_host}:{mailbox.imap_port}"
    deadline = time.monotonic() + TEST_TIMEOUT
    try:
        conn = connect(mailbox, TEST_TIMEOUT)
    except (imaplib.IMAP4.error, OSError) as exc:
        return False, connect_problem(where, exc, TEST_TIMEOUT)
    try:
        bound(conn, deadline)
        status, data = conn.select(mailbox.imap_folder, readonly=True)
        if status != "OK":
            return False, gettext("Logged in, but the folder %(folder)s cannot be opened.") % {
                "folder": repr(mailbox.imap_folder)
            }
        count = (data[0] or b"0").decode(errors="replace") if data else "0"
        return True, gettext("Connected to %(where)s; %(folder)s holds %(count)s messages.") % {
            "where": where,
            "folder": mailbox.imap_folder,
            "count": count,
        }
    except TimeoutError:
        return False, gettext(
            "Logged in, but no answer from %(where)s within %(seconds)s seconds."
        ) % {
            "where": where,
            "seconds": f"{TEST_TIMEOUT:g}",
        }
    except (imaplib.IMAP4.error, OSError) as exc:
        return False, gettext("Logged in, but selecting %(folder)s failed: %(said)s.") % {
            "folder": repr(mailbox.imap_folder),
            "said": _said(exc),
        }
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            bound(conn, time.monotonic() + 1)
            conn.logout()


def _said(exc: Exception) -> str:
    """What the server said, as text (imaplib passes bytes through)."""
    text = str(exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text[:300] or type(exc).__name__


def mailboxes_poll_due(*, connect: Connect = imap_connect) -> dict[str, int]:
    """Poll every active IMAP mailbox whose interval has passed, each under its own lease
    (two workers never poll one mailbox at once; a dead one blocks nobody for long).

    An empty poll writes once: the lease, taken for the mailbox's interval, and the poll's
    time are one transaction; a poll that found nothing and whose outcome (its error, or
    none) is the last one's writes nothing more, and its lease lapses when the next poll is
    due. A poll that fetched (its lease renewed to ``LEASE`` while it works) or changed the
    outcome writes the status and releases the lease in one more transaction."""
    done: dict[str, int] = {}
    for mailbox in selectors.mailboxes_due_for_poll():
        name = f"mail-poll:{mailbox.pk}"
        with transaction.atomic():
            token = leases.acquire(name, dt.timedelta(seconds=mailbox.poll_seconds))
            if token is not None:
                Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now())
        if token is None:
            continue  # another worker is polling it
        renewed: list[float] = []

        def renew(n: str = name, t: str = token, renewed: list[float] = renewed) -> None:
            # called before each fetch; written on the first and then every RENEW_EVERY
            # (a commit each: one per message was a disk sync per message on SQLite)
            now = time.monotonic()
            if renewed and now - renewed[-1] < RENEW_EVERY:
                return
            renewed.append(now)
            leases.renew(n, t, LEASE)

        error: str | None = "The poll stopped unexpectedly; see the worker's log."
        try:
            done[mailbox.slug] = mailbox_poll(mailbox, connect=connect, renew=renew)
            error = ""
        except PollFailed as exc:
            log.warning("mailbox %s: poll failed: %s", mailbox.slug, exc)
            error = str(exc)[:2000]
        except (imaplib.IMAP4.error, OSError, EOFError) as exc:
            log.warning("mailbox %s: poll failed: %s", mailbox.slug, exc)
            error = f"The connection failed during the poll: {type(exc).__name__}: {exc}"
            error = error[:2000]
        except leases.LeaseLost:
            log.warning("mailbox %s: poll stopped: another worker took it over", mailbox.slug)
            error = None  # the lease is someone else's now: neither release it nor report
        finally:
            if error is not None and (renewed or error != mailbox.last_poll_error):
                with transaction.atomic():
                    Mailbox.objects.filter(pk=mailbox.pk).update(last_poll_error=error)
                    leases.release(name, token)
    return done
