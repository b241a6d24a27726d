"""``python -m bench.catalog.portal [--db postgres] [--records 1000] [--samples 40]``: the
requester's portal pages with many records of their own.

A fresh database; one requester with ``--records`` incidents and as many catalogue requests
(ordered through the services, as the portal and the API order them); then, through
Django's whole stack in this process (test client: middleware, session, view, template),
the help centre's home (``/help/``), "My incidents and requests" (``/help/mine/``) and
"My requests" (``/catalog/requests/``), each ``--samples`` times after a warm-up, beside the
framework floor (a bare view behind the same middleware) in the same run. Target (issue
15): p95 <= 30 ms. Writes bench/results/portal-<db>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from bench.load import percentile
from bench.server import Server

RESULTS = Path(__file__).resolve().parents[1] / "results"
PAGES = [
    ("framework floor", "/__bench_floor__/"),
    ("help centre home", "/help/"),
    ("my incidents and requests", "/help/mine/"),
    ("my requests", "/catalog/requests/"),
]
TARGET_MS = 30.0


def load(records: int) -> None:
    from steward.catalog.services import item_create, request_order
    from steward.core.actor import Actor
    from steward.core.models import Organisation, Team, User
    from steward.incidents.services import incident_create

    system = Actor.system("bench")
    org = Organisation.objects.create(name="Acme", slug="acme")
    rita = User.objects.create_user("rita", email="rita@example.com", organisation=org)
    Team.objects.create(name="Desk", slug="desk")
    item_create(
        system,
        name="Laptop",
        slug="laptop",
        category="Hardware",
        form=[{"key": "model", "label": "Model", "type": "choice", "choices": ["A", "B"]}],
        approval_stages=[],
        task_templates=[{"title": "Hand over", "team": "desk"}],
    )
    me = Actor(user=rita, channel="web")
    for i in range(records):
        request_order(me, item="laptop", answers={"model": "A"}, title=f"Laptop {i}")
        incident_create(me, title=f"Printer jam {i}", impact=3, urgency=3)


def measure(client, path: str, samples: int) -> dict:  # noqa: ANN001 - django.test.Client
    from django.db import connection

    for _ in range(3):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code}")
    queries: list[str] = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        client.get(path)
    wall, cpu = [], []
    for _ in range(samples):
        began, began_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        cpu.append((time.process_time() - began_cpu) * 1000)
        wall.append((time.perf_counter() - began) * 1000)
    wall.sort()
    cpu.sort()
    return {
        "queries": len(queries),
        "wall_p50_ms": round(statistics.median(wall), 2),
        "wall_p95_ms": round(percentile(wall, 0.95), 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(percentile(cpu, 0.95), 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog.portal", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3, help="rounds over the pages")
    args = parser.parse_args(argv)
    server = Server(db=args.db, pg_url=args.pg_url)
    server.setup()
    os.environ.update(server.env())
    import django

    django.setup()
    from django.test import Client, override_settings

    from steward.core.models import User

    began = time.perf_counter()
    load(args.records)
    loaded_s = round(time.perf_counter() - began, 1)
    with override_settings(ROOT_URLCONF="bench.web.urls", ALLOWED_HOSTS=["127.0.0.1"]):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username="rita"))
        rounds = [
            {name: measure(client, path, args.samples) for name, path in PAGES}
            for _ in range(args.runs)
        ]
    figures = {
        "db": args.db,
        "records": args.records,
        "loaded_in_s": loaded_s,
        "rounds": rounds,
        "load_average": os.getloadavg(),
        "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "target_p95_ms": TARGET_MS,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"portal-{args.db}.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    server.cleanup()  # the database and the files


if __name__ == "__main__":
    main()
