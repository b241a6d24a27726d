"""Issue 16's ingestion through the LMTP listener, as a mail server delivers: ``--sessions``
LMTP sessions at once (Postfix's default concurrency to one destination is 20) over real
sockets to the listener in this process, each message answered only after its commit.

The sessions run in a process of their own (``bench/mail/lmtp_client.py``), as the mail
server does: this process is the listener alone, so its resident size (sampled each tenth
of the pass, by the messages answered) and its CPU time per message are the listener's, and
no client thread competes with it for the interpreter lock.

Two passes over the same corpus (the poll pass's, its lines in CRLF as a mail server sends
them), each to a mailbox of its own, in the same run: ``group 1``, every message in its own
transaction (the listener before decision 0033), and ``group 50``, what arrives while a
group is written goes into the next (``Groups``, ``mail_ingest_many``)."""

from __future__ import annotations

import json
import os
import pickle
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.mail.__main__ import rss_mb, typical
from bench.mail.poll import PLACEHOLDER, corpus
from bench.server import _cpu_seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def threaded(raws: list[bytes]) -> list[bytes]:
    """The corpus's replies made as a mail client makes them: ``In-Reply-To`` the message
    that opened the incident, no number in the subject. (Sessions at once open the
    incidents out of the corpus's order, so the ``[INC…]`` numbers the poll pass fills in
    would name other callers' incidents here.)"""
    opened = [n for n, raw in enumerate(raws) if not PLACEHOLDER.search(raw)]
    out = []
    for raw in raws:
        if (found := PLACEHOLDER.search(raw)) is not None:
            original = b"<%d.corpus@bench.example.com>" % opened[int(found[1])]
            raw = b"In-Reply-To: " + original + b"\n" + PLACEHOLDER.sub(b"", raw)
        out.append(raw.replace(b"\n", b"\r\n"))
    return out


def lmtp_run(args, group: int) -> dict:  # noqa: ANN001 - argparse.Namespace
    from django.db.models import Count

    from steward.core.actor import Actor
    from steward.core.models import User
    from steward.mailboxes.models import InboundMessage
    from steward.mailboxes.services import mailbox_create
    from steward.mailboxes.services.lmtp import lmtp_controller

    if not User.objects.filter(username="caller0").exists():
        User.objects.bulk_create(
            User(username=f"caller{i}", email=f"caller{i}@example.com") for i in range(args.callers)
        )
    raws = corpus(args.lmtp_messages, args.attachments, args.callers)
    raws = threaded(raws)
    address = f"lmtp{group}@example.com"
    box = mailbox_create(Actor.system("bench"), name=f"LMTP {group}", address=address, kind="pipe")
    port = _free_port()
    controller = lmtp_controller("127.0.0.1", port, group=group)
    controller.start()
    # the parse process (decision 0041) started before the pass, its CPU counted beside the
    # listener's (its start-up, Django's set-up, is not a message's)
    parser = controller.handler.parser
    parser_pid = parser.start() if parser is not None else None
    parser_cpu = _cpu_seconds(parser_pid) if parser_pid else 0.0
    path = Path(tempfile.gettempdir()) / f"steward-bench-lmtp-{os.getpid()}.pickle"
    path.write_bytes(pickle.dumps(raws))
    step = max(1, len(raws) // 10)
    memory, handler = {0: rss_mb()}, controller.handler
    cpu = sum(os.times()[:2])  # this process: the listener (the bench thread only sleeps)
    client = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.mail.lmtp_client", str(port), address,
         str(args.sessions), str(path)],
        stdout=subprocess.PIPE, text=True, env=os.environ | {"PYTHONPATH": os.getcwd()},
    )  # fmt: skip
    while client.poll() is None:
        time.sleep(0.1)
        if handler.answered >= (len(memory)) * step:
            memory[handler.answered] = rss_mb()
    out = json.loads(client.stdout.read())  # type: ignore[union-attr]
    cpu = sum(os.times()[:2]) - cpu
    parser_cpu = _cpu_seconds(parser_pid) - parser_cpu if parser_pid else 0.0
    memory[handler.answered] = rss_mb()
    controller.stop()
    path.unlink()
    failures, spent, sessions = out["failures"], out["seconds"], args.sessions
    assert not failures, failures[:5]
    statuses = dict(
        InboundMessage.objects.filter(mailbox=box).values_list("status").annotate(n=Count("id"))
    )
    typical(statuses, len(raws))
    result = {
        "group": group,
        "sessions": sessions,
        "messages": len(raws),
        "seconds": round(spent, 2),
        "per_second": round(len(raws) / spent, 1),
        "outcomes": statuses,
        "listener_cpu_ms_per_message": round(cpu * 1000 / len(raws), 2),
        "parser_cpu_ms_per_message": round(parser_cpu * 1000 / len(raws), 2),
        "listener_and_parser_cpu_ms_per_message": round((cpu + parser_cpu) * 1000 / len(raws), 2),
        "listener_rss_mb_by_messages_answered": memory,
        "listener_rss_growth_over_last_half_mb": round(
            memory[max(memory)] - memory[min(memory, key=lambda k: abs(k - len(raws) // 2))], 1
        ),
    }
    print(json.dumps({f"ingestion_lmtp_group_{group}": result}), flush=True)
    return result
