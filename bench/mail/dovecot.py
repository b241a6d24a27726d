"""The poll pass again through a real IMAP server (``--dovecot-messages``): the same corpus
delivered into the Maildir of a Dovecot started as the tests start it
(``tests/mailboxes/dovecot.py``: Debian's ``dovecot-imapd``, loopback, implicit TLS with
its own certificate), then polled by the real poller (``mailboxes_poll_due`` →
``imap_connect`` over TLS → LOGIN, SELECT, UID SEARCH UNSEEN, a UID FETCH BODY.PEEK[] per
message, chunks of 50 stored by ``mail_ingest_many``, one UID STORE \\Seen a chunk, LOGOUT;
200 messages a poll), so the figure includes IMAP: the server's work, TLS and a round
trip per message.

Delivery is the mail server's work, not Steward's: the messages are written into the
Maildir's ``new/`` (as a local delivery agent does) and Dovecot indexes them in an untimed
SELECT before the polls. Floor of the same run: the same messages fetched over the same
TLS connection kind by imaplib alone (UID SEARCH UNSEEN, one UID FETCH BODY.PEEK[] each,
nothing stored, nothing flagged), i.e. what any IMAP client pays."""

from __future__ import annotations

import imaplib
import os
import ssl
import time

from bench.mail.__main__ import rss_mb, typical
from bench.mail.poll import corpus, numbered


def _deliver(server, raws: list[bytes]) -> None:  # noqa: ANN001 - tests' Dovecot
    """Write each message into the account's Maildir ``new/`` (tmp/ then rename, the
    Maildir delivery rule), owned as Dovecot's mail processes expect."""
    session = _session(server)  # the first login creates the Maildir
    session.select("INBOX")
    session.logout()
    maildir = server.log.parent / "mail" / server.user
    owner = maildir.stat()  # Dovecot's mail user (root runs it as the package's user)
    stamp = int(time.time())
    for n, raw in enumerate(raws):
        name = f"{stamp}.M{n}P{os.getpid()}.bench"
        tmp = maildir / "tmp" / name
        tmp.write_bytes(raw)
        if os.geteuid() == 0:
            os.chown(tmp, owner.st_uid, owner.st_gid)
        tmp.rename(maildir / "new" / name)
    session = _session(server)  # Dovecot finds and indexes them (untimed)
    status, count = session.select("INBOX")
    session.logout()
    if status != "OK" or int(count[0]) != len(raws):
        raise RuntimeError(f"Dovecot holds {count} messages, {len(raws)} delivered")


def _session(server) -> imaplib.IMAP4_SSL:  # noqa: ANN001
    context = ssl.create_default_context(cafile=str(server.cert))
    conn = imaplib.IMAP4_SSL("localhost", server.tls_port, ssl_context=context, timeout=60)
    conn.login(server.user, server.password)
    return conn


def _fetch_floor(server) -> dict:  # noqa: ANN001
    """imaplib alone: every unseen message fetched with BODY.PEEK[] over TLS, one command
    each as the poller does, nothing stored or flagged."""
    began = time.perf_counter()
    conn = _session(server)
    conn.select("INBOX")
    _, data = conn.uid("SEARCH", None, "UNSEEN")
    uids = data[0].split()
    size = 0
    for uid in uids:
        _, answer = conn.uid("FETCH", uid, "(BODY.PEEK[])")
        size += len(answer[0][1])
    conn.logout()
    spent = time.perf_counter() - began
    return {"messages": len(uids), "bytes": size, "seconds": round(spent, 2),
            "per_second": round(len(uids) / spent, 1)}  # fmt: skip


def dovecot_run(args) -> dict:  # noqa: ANN001 - argparse.Namespace
    from django.db.models import Count

    from steward.core.actor import Actor
    from steward.core.models import User
    from steward.mailboxes.models import InboundMessage, Mailbox
    from steward.mailboxes.services import mailbox_create, mailboxes_poll_due
    from tests.mailboxes import dovecot

    if not dovecot.available():
        return {"skipped": "dovecot is not installed (apt-get install dovecot-imapd)"}
    count = max(args.poll_messages, args.dovecot_messages)  # the poll pass's file, reused
    raws = corpus(count, args.attachments, args.callers)[: args.dovecot_messages]
    raws = numbered(raws)  # before delivery: the server holds the bytes; nothing is opened
    if not User.objects.filter(username="caller0").exists():
        User.objects.bulk_create(
            User(username=f"caller{i}", email=f"caller{i}@example.com") for i in range(args.callers)
        )
    with dovecot.running() as server:
        began = time.perf_counter()
        _deliver(server, raws)
        result: dict = {
            "messages": len(raws),
            "delivery_seconds": round(time.perf_counter() - began, 1),
        }
        result["fetch_floor"] = _fetch_floor(server)
        os.environ["SSL_CERT_FILE"] = str(server.cert)  # the poller's default context trusts it
        box = mailbox_create(
            Actor.system("bench"), name="Dovecot", address="dovecot@example.com", kind="imap",
            imap_host="localhost", imap_port=server.tls_port, imap_tls=True,
            imap_username=server.user, imap_password=server.password, poll_seconds=10,
        )  # fmt: skip
        memory, spent, polls, done = [rss_mb()], 0.0, 0, 0
        step = max(1, len(raws) // 10)
        while done < len(raws):
            Mailbox.objects.filter(pk=box.pk).update(last_polled_at=None)  # due now
            began = time.perf_counter()
            fetched = mailboxes_poll_due().get(box.slug, 0)
            spent += time.perf_counter() - began
            polls += 1
            error = Mailbox.objects.filter(pk=box.pk).values_list("last_poll_error", flat=True)[0]
            if not fetched:
                raise RuntimeError(f"a poll fetched nothing with {len(raws) - done} left: {error}")
            if (done + fetched) // step != done // step:
                memory.append(rss_mb())
            done += fetched
        Mailbox.objects.filter(pk=box.pk).update(is_active=False)
    statuses = dict(
        InboundMessage.objects.filter(mailbox=box).values_list("status").annotate(n=Count("id"))
    )
    typical(statuses, len(raws))
    rate = len(raws) / spent
    result.update(
        polls=polls,
        seconds=round(spent, 2),
        per_second=round(rate, 1),
        of_fetch_floor=round(rate / result["fetch_floor"]["per_second"], 3),
        outcomes=statuses,
        rss_mb_start_middle_end=[memory[0], memory[len(memory) // 2], memory[-1]],
        rss_growth_over_last_half_mb=round(memory[-1] - memory[len(memory) // 2], 1),
    )
    return result
