"""``python -m bench.web.journey_pages``: server time of every page the journeys visit.

A fresh database (SQLite or PostgreSQL) with ``steward demo`` at its normal size (3,000
incidents), then each page the role journeys (tests/journeys) walk through is requested as
that role through Django's whole stack in this process (the test client: middleware,
session, view, template; no network, no browser), ``--samples`` times after a warm-up. Beside
them, the framework floor: a bare view behind the same middleware in the same run. The
issue's target: every page <= 50 ms. Prints a table, writes
bench/results/journey-pages-<db>.json.
"""

from __future__ import annotations

import argparse
import json
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
    return parser.parse_args(argv)


def pages() -> list[tuple[str, str, str]]:
    """(role login, page, path) for what each journey visits, with the demo's own records."""
    from steward.changes.models import Change
    from steward.cmdb.models import ConfigurationItem
    from steward.incidents.models import Incident
    from steward.problems.models import Problem
    from steward.sla.models import BusinessCalendar, SlaPolicy

    closed = Incident.objects.filter(caller__username="alice", status="closed").first()
    desk = Incident.objects.filter(team__slug="service-desk").exclude(status="closed").first()
    change = Change.objects.filter(status="assessment").order_by("number").first()
    overlap = Change.objects.filter(title__startswith="Demo overlap 2").first()
    shop = ConfigurationItem.objects.get(name="Online shop")
    vm = (
        ConfigurationItem.objects.filter(ci_class__slug="virtual_machine")
        .order_by("number")
        .first()
    )
    problem = Problem.objects.order_by("number").first()
    policy = SlaPolicy.objects.order_by("precedence").first()
    calendar = BusinessCalendar.objects.order_by("id").first()
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
        ("lead", "home (workload)", "/"),
        ("lead", "breached in a team", "/incidents/?queue=open&team=network&breached=true"),
        ("lead", "teams", "/teams/"),
        ("lead", "team", "/teams/network/"),
        ("cm", "home (approvals, CAB)", "/"),
        ("cm", "changes", "/changes/"),
        ("cm", "changes filtered", "/changes/?queue=all&status=assessment&q=Resize"),
        ("cm", "change", f"/changes/{change.number}/"),
        ("cm", "CAB agenda", "/changes/agenda/"),
        ("cm", "change with conflicts", f"/changes/{overlap.number}/"),
        ("cm", "conflicts (htmx)", f"/changes/{overlap.number}/conflicts/"),
        ("am", "CMDB", "/cmdb/"),
        ("am", "CMDB filtered", "/cmdb/?class=business_service&status=live&environment=production"),
        ("am", "CI with open work", f"/cmdb/cis/{shop.number}/"),
        ("am", "service map, 2 hops", f"/cmdb/cis/{shop.number}/map/?depth=2"),
        ("am", "CI edit", f"/cmdb/cis/{vm.number}/edit/"),
        ("admin", "SLA policies", "/sla/"),
        ("admin", "SLA policy", f"/sla/policies/{policy.slug}/"),
        ("admin", "business calendars", "/sla/calendars/"),
        ("admin", "business calendar", f"/sla/calendars/{calendar.slug}/"),
        ("admin", "new calendar", "/sla/calendars/new/"),
        ("admin", "teams", "/teams/"),
        ("admin", "administration", "/administration/"),
        ("admin", "users", "/administration/users/"),
        ("admin", "new user", "/administration/users/new/"),
        ("admin", "user", "/administration/users/agent/"),
        ("admin", "categories", "/incidents/categories/"),
        ("admin", "priority matrix", "/incidents/priority-matrix/"),
        ("admin", "mailboxes", "/mailboxes/"),
    ]


def measure(client, path: str, samples: int) -> dict:  # noqa: ANN001 - django.test.Client
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
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - began) * 1000)
    return summary(times) | {"queries": len(queries)}


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    server = DemoServer(db=args.db, pg_url=args.pg_url)
    began = time.perf_counter()
    with server:
        loaded = time.perf_counter() - began
        setup.django_in_process(server)
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
        setup.close_connections()  # before the database is dropped
    data = {
        "machine": report.machine(),
        "command": report.command_line(),
        "db": args.db,
        "demo_load_s": round(loaded, 1),
        "target_ms": TARGET_MS,
        "pages": rows,
        "over_target": [r for r in rows if r["p95_ms"] > TARGET_MS],
    }
    print(render(rows, args.db))
    path = report.RESULTS / f"journey-pages-{args.db}.json"
    report.RESULTS.mkdir(exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    print(f"\nwrote {path}")


def render(rows: list[dict], db: str) -> str:
    head = ["role", "page", "queries", "p50 ms", "p95 ms", f"<= {TARGET_MS:g} ms"]
    table = [head]
    for r in rows:
        verdict = (
            "floor"
            if r["page"] == "framework floor"
            else ("ok" if r["p95_ms"] <= TARGET_MS else "OVER")
        )
        table.append(
            [
                r["role"],
                r["page"],
                str(r["queries"]),
                f"{r['p50_ms']:.1f}",
                f"{r['p95_ms']:.1f}",
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
