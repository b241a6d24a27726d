"""``steward mail ingest --mailbox NAME < message.eml``: a message from the mail server;
``steward mail lmtp [--host H] [--port P]``: the LMTP listener for a local mail server.

Exit status for the MTA (sysexits): 0 stored (whatever became of it, quarantine included),
67 unknown mailbox (the MTA bounces), 75 a temporary failure such as the database being
away (the MTA retries later; the Message-ID makes the retry safe)."""

from __future__ import annotations

import signal
import sys
import threading

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from steward.mailboxes import selectors, services

EX_NOUSER, EX_TEMPFAIL = 67, 75


class Command(BaseCommand):
    help = "Mail channel commands: ingest a message from standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest", help="store and process one message read from stdin")
        ingest.add_argument("--mailbox", required=True, help="mailbox name, slug or address")
        lmtp = sub.add_parser("lmtp", help="listen for LMTP deliveries (each recipient a mailbox)")
        lmtp.add_argument("--host", default="127.0.0.1")
        lmtp.add_argument("--port", type=int, default=8024)

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "lmtp":
            self._lmtp(str(options["host"]), int(options["port"]))
            return
        mailbox = selectors.mailbox_by_name(str(options["mailbox"]))
        if mailbox is None:
            self.stderr.write(f"no active mailbox {options['mailbox']!r}")
            sys.exit(EX_NOUSER)
        raw = sys.stdin.buffer.read()
        try:
            message = services.mail_ingest(mailbox, raw)
        except DatabaseError as exc:
            self.stderr.write(f"temporary failure: {exc}")
            sys.exit(EX_TEMPFAIL)
        record = f" {message.record_number}" if message.record_number else ""
        self.stdout.write(f"{message.status}{record}: {message.reason or message.message_id}")

    def _lmtp(self, host: str, port: int) -> None:
        """Serve until SIGTERM or SIGINT; a delivery under way finishes first."""
        from steward.mailboxes.services.lmtp import lmtp_controller

        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        controller = lmtp_controller(host, port)
        controller.start()
        self.stdout.write(f"LMTP listening on {host}:{port}")
        try:
            stop.wait()
        finally:
            controller.stop()
