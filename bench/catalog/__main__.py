"""``python -m bench.catalog``: ordering a catalogue item over HTTP. See --help.

Sets up, through the API, an item with a 20-question form (text, number, date and choice
questions, two of them conditional), one approval stage and three fulfilment tasks, then
measures ``POST /api/v1/requests`` with every question answered against
``steward serve --workers 2`` from ``--clients`` processes. Each order validates the 20
answers, resolves the stage's approvers, writes the request, its approval row, the audit
row and two outbox events in one transaction (the three tasks are created when the stage is
approved, not at ordering). Target (issue 15): ≥ 300 orders/s with 2 workers. Writes
bench/results/catalog-<db>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import time
from pathlib import Path

from bench.load import http_factory, run
from bench.server import Server

RESULTS = Path(__file__).resolve().parents[1] / "results"
KINDS = ["text", "number", "date", "choice"]


def form() -> list[dict]:
    """20 questions: five of each kind, the last two shown only for one choice."""
    fields = []
    for i in range(20):
        kind = KINDS[i % 4]
        field = {"key": f"q{i:02d}", "label": f"Question {i}", "type": kind, "required": i < 18}
        if kind == "choice":
            field["choices"] = ["Small", "Medium", "Large"]
        if kind == "number":
            field |= {"min": 0, "max": 1000}
        if i >= 18:
            field["show_if"] = {"field": "q03", "equals": "Large"}
        fields.append(field)
    return fields


ANSWERS = {
    f"q{i:02d}": {"text": f"Answer {i}", "number": i * 3, "date": "2027-01-15", "choice": "Large"}[
        KINDS[i % 4]
    ]
    for i in range(20)
}


def call(server: Server, method: str, path: str, body: dict) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request(method, path, json.dumps(body).encode(), server.headers())
    response = conn.getresponse()
    content = response.read()
    if response.status >= 300:
        raise RuntimeError(f"{method} {path}: {response.status} {content[:300]!r}")
    return json.loads(content)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    # bench.floor.settings adds the framework floor's routes: its insert (an incident row, its
    # audit entry and outbox row in one transaction, bare Django) is measured in the same run
    server = Server(
        db=args.db, pg_url=args.pg_url, workers=args.workers, settings="bench.floor.settings"
    )
    try:
        server.setup()
        server.start(timeout=180)  # a loaded machine boots the workers slowly
        call(server, "POST", "/api/v1/teams", {"name": "Fulfilment", "slug": "fulfilment"})
        call(
            server,
            "POST",
            "/api/v1/catalog/items",
            {
                "name": "Bench item",
                "slug": "bench-item",
                "form": form(),
                "approval_stages": [{"approvers": "users", "users": ["admin"], "quorum": "any"}],
                "task_templates": [{"title": f"Task {i}", "team": "fulfilment"} for i in range(3)],
            },
        )
        floor = run(
            http_factory(
                server.port,
                server.headers(),
                "POST",
                "/__floor__/incidents",
                lambda unique: {"title": f"Floor {unique}"},
                201,
            ),
            clients=args.clients,
            warmup=args.warmup,
            duration=args.duration,
            cpu=server.cpu_seconds,
        )
        factory = http_factory(
            server.port,
            server.headers(),
            "POST",
            "/api/v1/requests",
            lambda unique: {"item": "bench-item", "answers": ANSWERS},
            201,
        )
        result = run(
            factory,
            clients=args.clients,
            warmup=args.warmup,
            duration=args.duration,
            cpu=server.cpu_seconds,
        )
    finally:
        server.__exit__()
    figures = result.as_dict()
    figures["floor_insert"] = floor.as_dict()
    figures["of_floor_rps"] = round(result.rps / floor.rps, 3) if floor.rps else None
    figures |= {
        "db": args.db,
        "workers": args.workers,
        "machine": f"{platform.node()} {platform.machine()} {platform.processor()}".strip(),
        "load_average": os.getloadavg(),
        "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "target_rps": 300,
        "met": result.rps >= 300,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"catalog-{args.db}.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
