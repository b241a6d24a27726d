"""``python -m bench.mail.profile``: where one-by-one ingestion's time goes (issue 16).

The same typical messages as ``python -m bench.mail`` (its generator and callers), handed
to ``mail_ingest`` one by one on a fresh database after ``--warm`` untimed ones, with
cProfile on around ``mail_ingest`` only (building the messages is not Steward's work) and
every SQL statement counted by table and kind. Prints milliseconds per message for each
step (cumulative: a step includes the steps it calls) and statements per message; with
``--dump`` the raw profile is written for ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import time
from collections import Counter
from pathlib import Path

from bench.incidents.setup import django_in_process
from bench.mail.__main__ import message, raise_sender_limit
from bench.server import Server

# (label, file suffix, function name): cumulative time of each, per message
STEPS = [
    ("mail_ingest (all)", "mailboxes/services/ingest.py", "mail_ingest"),
    ("parse: head (MIME tree, headers)", "mailboxes/services/parsing.py", "parse_head"),
    ("parse: body (parts, nh3)", "mailboxes/services/parsing.py", "parse_body"),
    ("  reply stripping", "mailboxes/services/parsing.py", "latest_reply"),
    ("Model.save (message row, attachments)", "django/db/models/base.py", "save"),
    ("own addresses", "mailboxes/selectors/mailboxes.py", "own_addresses"),
    ("loop guard (recent_from)", "mailboxes/selectors/messages.py", "recent_from"),
    ("caller lookup (user_by_email)", "mailboxes/selectors/messages.py", "user_by_email"),
    ("threading lookup (thread_record)", "mailboxes/selectors/messages.py", "thread_record"),
    ("reply: record's state", "mailboxes/services/records.py", "_incident_state"),
    ("incident_create", "incidents/services/records.py", "incident_create"),
    ("  search index (new)", "incidents/services/search_index.py", "index_new"),
    ("  SLA clocks", "incidents/services/clocks.py", "clocks_start"),
    ("incident_comment (reply)", "incidents/services/records.py", "incident_comment"),
    ("  search reindex (reply)", "incidents/services/search_index.py", "reindex"),
    ("attachments written", "mailboxes/services/records.py", "_attach"),
    ("audit entries", "steward/core/audit.py", "record"),
    ("outbox events", "steward/core/outbox.py", "emit"),
    ("commits", "", "commit"),
]
_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_0-9]+)"?', re.I)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.mail.profile", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--messages", type=int, default=1000, help="messages profiled")
    parser.add_argument("--warm", type=int, default=100, help="untimed messages first")
    parser.add_argument("--attachments", type=float, default=0.2)
    parser.add_argument("--callers", type=int, default=500)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--dump", type=Path, help="write the raw profile here")
    return parser.parse_args(argv)


class Statements:
    """Counts each statement by its kind and first table (an execute wrapper)."""

    def __init__(self) -> None:
        self.on, self.counts = False, Counter()

    def __call__(self, execute, sql, params, many, context):  # noqa: ANN001 - Django's hook
        if self.on:
            found = _TABLE.search(sql)
            self.counts[f"{sql.split(None, 1)[0].upper()} {found[1] if found else ''}"] += 1
        return execute(sql, params, many, context)


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> tuple[float, int]:
    """Cumulative seconds and calls of a function (summed over its definitions); the commits
    are sqlite3's built-in method or psycopg's."""
    seconds, calls = 0.0, 0
    for (path, _, func), (_, ncalls, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if name == "commit":
            hit = "'commit' of 'sqlite3" in func or (
                func == "commit" and path.endswith("psycopg/connection.py")
            )
        else:
            hit = func == name and path.endswith(suffix)
        if hit:
            seconds += cumulative
            calls += ncalls
    return seconds, calls


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    server = Server(db=args.db, pg_url=args.pg_url)
    try:
        server.setup()
        django_in_process(server)
        raise_sender_limit(args.warm + args.messages)
        run(args)
    finally:
        server.cleanup()


def run(args: argparse.Namespace) -> None:
    from django.db import connection, reset_queries

    from steward.core.actor import Actor
    from steward.core.models import User
    from steward.mailboxes.services import mail_ingest, mailbox_create

    mailbox = mailbox_create(
        Actor.system("bench"), name="Desk", address="desk@example.com", kind="pipe"
    )
    User.objects.bulk_create(
        User(username=f"caller{i}", email=f"caller{i}@example.com") for i in range(args.callers)
    )
    rng, numbers, outcomes = random.Random(7), [], Counter()
    profiler, statements, spent = cProfile.Profile(), Statements(), 0.0
    with connection.execute_wrapper(statements):
        for n in range(args.warm + args.messages):
            raw = message(n, rng, args.callers, numbers[-200:], args.attachments)
            timed = n >= args.warm
            statements.on = timed
            began = time.perf_counter()
            if timed:
                profiler.enable()
            stored = mail_ingest(mailbox, raw)
            if timed:
                profiler.disable()
                spent += time.perf_counter() - began
                outcomes[stored.status] += 1
            statements.on = False
            if stored.status == "created":
                numbers.append((stored.record_number, int(stored.sender[6:].partition("@")[0])))
            reset_queries()
    count = args.messages
    assert outcomes["quarantined"] == 0, outcomes
    if args.dump:
        profiler.dump_stats(args.dump)
    stats = pstats.Stats(profiler)
    print(f"{count} messages on {args.db}: {dict(outcomes)}")
    print(f"{count / spent:.1f} messages/s under the profiler ({spent:.2f} s)\n")
    print("| step | ms per message | calls per message |\n| --- | --- | --- |")
    for label, suffix, name in STEPS:
        seconds, calls = _cumulative(stats, suffix, name)
        print(f"| {label} | {seconds * 1000 / count:.2f} | {calls / count:.2f} |")
    total = sum(statements.counts.values())
    print(f"\nstatements per message: {total / count:.2f}\n")
    print("| statement | per message |\n| --- | --- |")
    for key, n in statements.counts.most_common():
        print(f"| {key} | {n / count:.2f} |")
    print()
    stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
