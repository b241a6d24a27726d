"""``python -m bench.web.journey_pages``: server time of every page the journeys visit.

A fresh database (SQLite or PostgreSQL) with ``steward demo`` at its normal size (3,000
incidents), then each page the role journeys (tests/journeys) walk through is requested as
that role through Django's whole stack in this process (the test client: middleware,
session, view, template; no network, no browser), ``--samples`` times after a warm-up.
``--reuse`` measures a demo loaded earlier (``steward demo``: SQLite, or PostgreSQL with
``--reuse-database``), so two checkouts can be measured on the same data one after the
other. Beside them, the framework floor: a bare view behind the same middleware in the
same run. The issue's target: every page <= 50 ms (held to the median CPU time on SQLite, the median
wall time on PostgreSQL: see ``measure``). Prints a table, writes
bench/results/journey-pages-<db>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from bench import report
from bench.changes.inproc import summary
from bench.incidents import setup
from bench.incidents.setup import DemoServer

TARGET_MS = 50.0
WARM = 3


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.web.journey_pages", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--samples", type=int, default=30, help="timed requests per page")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--reuse",
        metavar="VAR_DIR",
        help="measure the SQLite demo already loaded in this STEWARD_VAR_DIR (steward demo)",
    )
    parser.add_argument(
        "--reuse-database",
        metavar="URL",
        default="",
        help="with --reuse: the demo's PostgreSQL database instead of VAR_DIR's SQLite",
    )
    return parser.parse_args(argv)


def pages() -> list[tuple[str, str, str]]:
    """(role login, page, path) for what each journey visits, with the demo's own records."""
    from steward.changes.models import Change
    from steward.cmdb.models import ConfigurationItem
    from steward.incidents.models import Incident
    from steward.knowledge.models import Article
    from steward.problems.models import Problem
    from steward.sla.models import BusinessCalendar, SlaPolicy

    closed = Incident.objects.filter(caller__username="alice", status="closed").first()
    desk = Incident.objects.filter(team__slug="service-desk").exclude(status="closed").first()
    change = Change.objects.filter(status="assessment").order_by("number").first()
    overlap = Change.objects.filter(title__startswith="Demo overlap 2").first()
    waiting = Change.objects.filter(status="authorization", approval_state="pending").first()
    shop = ConfigurationItem.objects.get(name="Online shop")
    vm = (
        ConfigurationItem.objects.filter(ci_class__slug="virtual_machine")
        .order_by("number")
        .first()
    )
    problem = Problem.objects.order_by("number").first()
    known = Problem.objects.get(title="Month-end reports exhaust the database")
    policy = SlaPolicy.objects.order_by("precedence").first()
    calendar = BusinessCalendar.objects.order_by("id").first()
    article = Article.objects.order_by("number").first()
    queue = "/incidents/?queue={queue}&q={q}&status={status}&priority=&team={team}&order={order}"
    return [
        ("alice", "home", "/"),
        ("alice", "my incidents", "/incidents/"),
        ("alice", "report a problem", "/incidents/new/"),
        ("alice", "her closed incident", f"/incidents/{closed.number}/"),
        ("agent", "home", "/"),
        ("agent", "queue (default)", "/incidents/"),
        (
            "agent",
            "queue searched",
            queue.format(queue="", q="password", status="", team="", order="priority"),
        ),
        (
            "agent",
            "queue filtered",
            queue.format(
                queue="", q="", status="assigned", team="service-desk", order="-opened_at"
            ),
        ),
        (
            "agent",
            "unassigned, a team",
            queue.format(
                queue="unassigned", q="", status="", team="service-desk", order="priority"
            ),
        ),
        ("agent", "new incident", "/incidents/new/"),
        ("agent", "incident", f"/incidents/{desk.number}/"),
        ("agent", "problems", "/problems/"),
        ("agent", "new problem", "/problems/new/"),
        ("agent", "problem", f"/problems/{problem.number}/"),
        ("agent", "known errors searched", "/problems/?queue=known_errors&q=month-end"),
        ("agent", "known error and its incidents", f"/problems/{known.number}/"),
        ("agent", "pick a caller (htmx)", "/pick/person/?q=Requester"),
        ("agent", "profile", "/profile/"),
        ("lead", "home (workload)", "/"),
        ("lead", "breached in a team", "/incidents/?queue=open&team=network&breached=true"),
        ("lead", "teams", "/teams/"),
        ("lead", "team", "/teams/network/"),
        ("cm", "home (approvals, CAB)", "/"),
        ("cm", "changes", "/changes/"),
        ("cm", "changes filtered", "/changes/?queue=all&status=assessment&q=Resize"),
        ("cm", "change", f"/changes/{change.number}/"),
        ("cm", "CAB agenda", "/changes/agenda/"),
        ("cm", "change waiting for the CAB", f"/changes/{waiting.number}/"),
        ("cm", "new change", "/changes/new/"),
        ("cm", "freeze windows", "/changes/freezes/"),
        ("cm", "new freeze window", "/changes/freezes/new/"),
        ("cm", "change calendar", "/changes/calendar/"),
        ("cm", "pick a CI (htmx)", "/pick/ci/?q=esx"),
        ("cm", "change with conflicts", f"/changes/{overlap.number}/"),
        ("cm", "conflicts (htmx)", f"/changes/{overlap.number}/conflicts/"),
        ("cm", "changes by risk", "/changes/?queue=all&risk=very_high"),
        ("cm", "calendar, list of a team", "/changes/calendar/?view=list&team=network"),
        ("cm", "calendar, a week", "/changes/calendar/?view=week"),
        ("am", "CMDB", "/cmdb/"),
        ("am", "CMDB filtered", "/cmdb/?class=business_service&status=live&environment=production"),
        ("am", "CI with open work", f"/cmdb/cis/{shop.number}/"),
        ("am", "service map, 2 hops", f"/cmdb/cis/{shop.number}/map/?depth=2"),
        ("am", "CI edit", f"/cmdb/cis/{vm.number}/edit/"),
        ("am", "new CI", "/cmdb/cis/new/"),
        ("am", "CI impact (htmx)", f"/cmdb/cis/{shop.number}/impact/?direction=down"),
        ("am", "CMDB import", "/cmdb/import/"),
        ("admin", "SLA policies", "/sla/"),
        ("admin", "SLA policy", f"/sla/policies/{policy.slug}/"),
        ("admin", "business calendars", "/sla/calendars/"),
        ("admin", "business calendar", f"/sla/calendars/{calendar.slug}/"),
        ("admin", "new calendar", "/sla/calendars/new/"),
        ("admin", "new SLA policy", "/sla/policies/new/"),
        ("admin", "escalation rules", "/incidents/escalations/"),
        ("admin", "new escalation rule", "/incidents/escalations/new/"),
        ("admin", "team assignment", "/incidents/assignment/"),
        ("admin", "change templates", "/changes/templates/"),
        ("admin", "new change template", "/changes/templates/new/"),
        ("admin", "approval delegations", "/changes/delegations/"),
        ("admin", "new delegation", "/changes/delegations/new/"),
        ("admin", "new incident", "/incidents/new/"),
        ("admin", "pick a category (htmx)", "/pick/category/?q=Monit"),
        ("admin", "teams", "/teams/"),
        ("admin", "administration", "/administration/"),
        ("admin", "users", "/administration/users/"),
        ("admin", "new user", "/administration/users/new/"),
        ("admin", "user", "/administration/users/agent/"),
        ("admin", "pick a manager (htmx)", "/pick/person/?q=Lead"),
        ("admin", "categories", "/incidents/categories/"),
        ("admin", "priority matrix", "/incidents/priority-matrix/"),
        ("admin", "mailboxes", "/mailboxes/"),
        # the control journeys (tests/journeys/test_controls_*.py)
        ("lead", "problems filtered", "/problems/?queue=open&status=known_error&team=network"),
        ("lead", "knowledge", "/knowledge/"),
        ("lead", "knowledge searched", "/knowledge/?q=vpn&status=published"),
        ("lead", "new article", "/knowledge/new/"),
        ("lead", "article edit", f"/knowledge/{article.number}/edit/"),
        ("alice", "my open incidents", "/incidents/?queue=open"),
        ("alice", "catalogue searched", "/catalog/?q=laptop&category="),
        ("am", "tasks due soon", "/catalog/tasks/?queue=all&sla=due_soon"),
        ("admin", "received mail searched", "/mailboxes/messages/?q=printer&status="),
        ("admin", "calendars searched", "/sla/calendars/?q=berlin"),
        ("admin", "new category", "/incidents/categories/new/"),
    ]


def _measure_all(args: argparse.Namespace) -> list[dict]:
    from django.test import Client, override_settings

    from steward.core.models import User

    with override_settings(ROOT_URLCONF="bench.web.urls", ALLOWED_HOSTS=["127.0.0.1"]):
        clients: dict[str, Client] = {}
        rows = []
        for role, name, path in [("agent", "framework floor", "/__bench_floor__/"), *pages()]:
            if role not in clients:
                clients[role] = Client(HTTP_HOST="127.0.0.1")
                clients[role].force_login(User.objects.get(username=role))
            rows.append(
                {"role": role, "page": name, "path": path}
                | measure(clients[role], path, args.samples)
            )
    return rows


def measure(client, path: str, samples: int) -> dict:  # noqa: ANN001 - django.test.Client
    """Wall time and this process's CPU time of each request (medians of ``samples``).

    The CPU time is the request's own work in Python (and SQLite's, which runs in this
    process): on a machine shared with other work it stays close to what a quiet machine's
    wall time would be, where the wall time also counts waiting for a core. PostgreSQL's
    own work is in its server process, so there only the wall time counts the queries."""
    from django.db import connection

    for _ in range(WARM):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
    # counted by a wrapper: the query log is reset at the start of every request
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        client.get(path)
    times, cpu = [], []
    for _ in range(samples):
        began, began_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        cpu.append((time.process_time() - began_cpu) * 1000)
        times.append((time.perf_counter() - began) * 1000)
    return summary(times) | {
        "cpu_p50_ms": round(statistics.median(cpu), 3),
        "queries": len(queries),
    }


def server_ms(row: dict, db: str) -> float:
    """The figure held to the target: CPU time on SQLite (everything is in this process),
    wall time on PostgreSQL (its queries run in another process)."""
    return row["cpu_p50_ms"] if db == "sqlite" else row["p50_ms"]


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.reuse_database:
        args.db = "postgres"
    began = time.perf_counter()
    if args.reuse:  # a demo loaded earlier: measure it as it is, nothing dropped
        os.environ.update(
            STEWARD_VAR_DIR=args.reuse,
            STEWARD_DATABASE_URL=args.reuse_database,
            STEWARD_REDIS_URL="",
            STEWARD_DEBUG="false",
            STEWARD_LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="steward.settings",
        )
        import django

        django.setup()
        loaded = 0.0
        rows = _measure_all(args)
    else:
        with DemoServer(db=args.db, pg_url=args.pg_url) as server:
            loaded = time.perf_counter() - began
            setup.django_in_process(server)
            rows = _measure_all(args)
            setup.close_connections()  # before the database is dropped
    data = {
        "machine": report.machine(),
        "command": report.command_line(),
        "db": args.db,
        "demo_load_s": round(loaded, 1),
        "target_ms": TARGET_MS,
        "pages": rows,
        "held_to_target": "cpu_p50_ms" if args.db == "sqlite" else "p50_ms",
        "over_target": [r for r in rows[1:] if server_ms(r, args.db) > TARGET_MS],
    }
    print(render(rows, args.db))
    path = report.RESULTS / f"journey-pages-{args.db}.json"
    report.RESULTS.mkdir(exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    print(f"\nwrote {path}")


def render(rows: list[dict], db: str) -> str:
    held = "CPU p50" if db == "sqlite" else "p50"
    head = ["role", "page", "queries", "p50 ms", "p95 ms", "CPU p50 ms", f"{held} <= {TARGET_MS:g}"]
    table = [head]
    for r in rows:
        floor = r["page"] == "framework floor"
        verdict = "floor" if floor else ("ok" if server_ms(r, db) <= TARGET_MS else "OVER")
        table.append(
            [
                r["role"],
                r["page"],
                str(r["queries"]),
                f"{r['p50_ms']:.1f}",
                f"{r['p95_ms']:.1f}",
                f"{r['cpu_p50_ms']:.1f}",
                verdict,
            ]
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(head))]
    lines = [f"Journey pages, {db}, server time in process (the test client, no network)"]
    for i, row in enumerate(table):
        lines.append(
            "  ".join(
                c.ljust(w) if j < 2 else c.rjust(w)
                for j, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
