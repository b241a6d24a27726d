"""``steward mail ingest --mailbox NAME < message.eml``: a message from the mail server.

Exit status for the MTA (sysexits): 0 stored (whatever became of it, quarantine included),
67 unknown mailbox (the MTA bounces), 75 a temporary failure such as the database being
away (the MTA retries later; the Message-ID makes the retry safe)."""

from __future__ import annotations

import sys

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

    def handle(self, *args: object, **options: object) -> None:
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
