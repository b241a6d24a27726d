"""The 10,000-message run of issue 16 through the IMAP poll path (``mailboxes_poll_due`` →
``mailbox_poll`` → ``mail_ingest_many``: fetch, chunks of 50 in one transaction, one STORE
each), with the server replaced at the imaplib boundary by a folder in memory (the network
and the IMAP server are not Steward's work), beside two floors measured in the same run on
the same messages:

- **parse**: the standard library's parse of each message (``policy.default``, every part
  walked and every attachment decoded): what any ingestion must do;
- **insert**: the same messages stored raw, one row each, in transactions of one chunk
  (``executemany``, one commit per 50 rows, the database's default durability).

The corpus (``--poll-messages``, a share ``--attachments`` with a 40 KB PDF, three in ten a
caller's reply to one of their incidents by its number) is generated once and reused from
``/tmp`` (its reply numbers are filled in when the run starts). Resident size sampled each
tenth of the run."""

from __future__ import annotations

import json
import pickle
import random
import re
import tempfile
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from bench.mail.__main__ import PDF, TEXT, rss_mb, typical

PLACEHOLDER = re.compile(rb"\[INC#(\d+)\]")
CHUNK = 50


def corpus(count: int, share: float, callers: int) -> list[bytes]:
    """Messages 80% plain text with an HTML alternative, ``share`` with a PDF; a reply names
    ``[INC#j]``, the j-th incident this corpus opens, at least 250 messages back (an
    earlier poll), from that incident's caller."""
    path = Path(tempfile.gettempdir()) / f"steward-bench-mail-{count}-{share}-{callers}.pickle"
    if path.exists():
        return pickle.loads(path.read_bytes())  # noqa: S301 - our own file
    rng, raws, opened = random.Random(16), [], []  # opened: (message index, caller)
    for n in range(count):
        ready = next((j for j in range(len(opened) - 1, -1, -1) if opened[j][0] < n - 250), -1)
        older = [(j, opened[j][1]) for j in range(max(0, ready - 299), ready + 1)]
        target = rng.choice(older) if older and rng.random() < 0.3 else None
        who = target[1] if target else rng.randrange(callers)
        msg = EmailMessage()
        msg["From"] = f"Caller {who} <caller{who}@example.com>"
        msg["To"] = "poll@example.com"
        msg["Message-ID"] = f"<{n}.corpus@bench.example.com>"
        thing = rng.choice(["printer", "VPN", "laptop", "badge reader", "phone"])
        text = TEXT.format(thing=thing, floor=rng.randrange(1, 9), name=f"Caller {who}")
        if target:
            msg["Subject"] = f"Re: [INC#{target[0]}] {thing}"
            text = "Still happening.\n\nOn Mon, Desk wrote:\n> " + text.replace("\n", "\n> ")
        else:
            msg["Subject"] = f"The {thing} does not work ({n})"
            opened.append((n, who))
        msg.set_content(text)
        msg.add_alternative(f"<html><body><p>{text}</p></body></html>", subtype="html")
        if rng.random() < share:
            msg.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"r{n}.pdf")
        raws.append(bytes(msg))
    path.write_bytes(pickle.dumps(raws))
    return raws


class Folder:
    """imaplib's answers for a folder holding the corpus (UID SEARCH UNSEEN, FETCH, STORE)."""

    def __init__(self, raws: list[bytes]) -> None:
        self.raws = {str(n + 1).encode(): raw for n, raw in enumerate(raws)}
        self.unseen = list(self.raws)

    def select(self, folder: str) -> tuple[str, list[bytes]]:
        return "OK", [str(len(self.raws)).encode()]

    def uid(self, command: str, *args: object) -> tuple[str, list]:
        if command == "SEARCH":
            return "OK", [b" ".join(self.unseen)]
        if command == "FETCH":
            uid = args[0]
            return "OK", [(uid + b" (BODY[] {0})", self.raws[uid]), b")"]  # type: ignore[operator]
        if command == "STORE":
            done = set(args[0].split(b","))  # type: ignore[union-attr]
            self.unseen = [u for u in self.unseen if u not in done]
            return "OK", []
        raise AssertionError(command)

    def logout(self) -> tuple[str, list[bytes]]:
        return "BYE", []


def floors(raws: list[bytes]) -> dict:
    from django.db import connection, transaction

    began = time.perf_counter()
    for raw in raws:
        msg = message_from_bytes(raw, policy=policy.default)
        for part in msg.walk():
            if part.get_content_disposition() == "attachment":
                part.get_payload(decode=True)
    parse = time.perf_counter() - began
    blob = "BYTEA" if connection.vendor == "postgresql" else "BLOB"
    serial = "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE bench_mail_rows (id {serial} PRIMARY KEY, message_id TEXT UNIQUE,"
            f" raw {blob})"
        )
    began = time.perf_counter()
    for k in range(0, len(raws), CHUNK):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO bench_mail_rows (message_id, raw) VALUES (%s, %s)",
                [(f"<{k + i}@floor>", raw) for i, raw in enumerate(raws[k : k + CHUNK])],
            )
    insert = time.perf_counter() - began
    n = len(raws)
    both = n / (parse + insert)
    return {"parse_per_second": round(n / parse, 1), "insert_per_second": round(n / insert, 1),
            "parse_and_insert_per_second": round(both, 1)}  # fmt: skip


def last_incident_number() -> int:
    """The last INC number given: PostgreSQL's sequence (``steward.core.numbering``), else
    the numbering table's row."""
    from django.db import connection

    from steward.core.models import NumberSequence
    from steward.core.numbering import sequence_of

    sequence = sequence_of("INC")
    if sequence is None:
        found = NumberSequence.objects.filter(prefix="INC").values_list("last", flat=True)
        return found.first() or 0
    with connection.cursor() as cursor:
        # the sequence's name is numbering's own constant, never input
        cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {sequence}")  # noqa: S608
        return cursor.fetchone()[0]


def numbered(raws: list[bytes]) -> list[bytes]:
    """The corpus with its replies' ``[INC#j]`` filled in: the j-th incident the corpus
    opens gets the j-th number after those already given (one writer, so in order)."""
    base = last_incident_number()
    return [PLACEHOLDER.sub(lambda m: b"[INC%07d]" % (base + 1 + int(m[1])), r) for r in raws]


def poll_run(args) -> dict:  # noqa: ANN001 - argparse.Namespace
    from django.db.models import Count
    from django.utils import timezone

    from steward.core.actor import Actor
    from steward.core.models import Lease, User
    from steward.mailboxes.models import InboundMessage, Mailbox
    from steward.mailboxes.services import mailbox_create, mailboxes_poll_due

    raws = corpus(args.poll_messages, args.attachments, args.callers)
    if not User.objects.filter(username="caller0").exists():
        User.objects.bulk_create(
            User(username=f"caller{i}", email=f"caller{i}@example.com") for i in range(args.callers)
        )
    raws = numbered(raws)
    from django.conf import settings

    # the loop guard's limit is set above any caller's share of the run (raise_sender_limit)
    result = {"messages": len(raws), "sender_limit": settings.MAIL_SENDER_LIMIT}
    result["floors"] = floors(raws)
    box = mailbox_create(
        Actor.system("bench"), name="Polled", address="poll@example.com", kind="imap",
        imap_host="imap.example.com", poll_seconds=10,
    )  # fmt: skip
    folder, memory, spent = Folder(raws), [rss_mb()], 0.0
    cpu = time.process_time()
    step, polls = max(1, len(raws) // 10), 0
    while folder.unseen:
        Mailbox.objects.filter(pk=box.pk).update(last_polled_at=None)
        Lease.objects.filter(name=f"mail-poll:{box.pk}").update(locked_until=timezone.now())
        before = len(folder.unseen)
        began = time.perf_counter()
        mailboxes_poll_due(connect=lambda m: folder)
        spent += time.perf_counter() - began
        polls += 1
        done = len(raws) - len(folder.unseen)
        if done // step != (len(raws) - before) // step:
            memory.append(rss_mb())
    cpu = time.process_time() - cpu
    Mailbox.objects.filter(pk=box.pk).update(is_active=False)  # not due in the empty polls
    statuses = dict(
        InboundMessage.objects.filter(mailbox=box).values_list("status").annotate(n=Count("id"))
    )
    typical(statuses, len(raws))
    rate = len(raws) / spent
    result.update(
        polls=polls,
        seconds=round(spent, 2),
        per_second=round(rate, 1),
        of_parse_and_insert=round(rate / result["floors"]["parse_and_insert_per_second"], 3),
        of_parse=round(rate / result["floors"]["parse_per_second"], 3),
        cpu_ms_per_message=round(cpu * 1000 / len(raws), 2),
        outcomes=statuses,
        rss_mb_each_tenth=memory,
        rss_mb_start_middle_end=[memory[0], memory[len(memory) // 2], memory[-1]],
        rss_growth_over_last_half_mb=round(memory[-1] - memory[len(memory) // 2], 1),
    )
    print(json.dumps({"ingestion_poll": result}), flush=True)  # kept if a later pass fails
    return result
