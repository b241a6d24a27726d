"""``python -m bench.catalog.profile [--db postgres] [--orders 200]``: where one order's time
goes, in process (Django's test client through the real middleware), against a fresh
database set up as ``bench.catalog`` sets it up: CPU ms per order, statements per order,
then cProfile's costliest entries (cumulative)."""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time

from bench.catalog.__main__ import ANSWERS, form
from bench.server import Server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog.profile", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--top", type=int, default=45)
    args = parser.parse_args(argv)
    server = Server(db=args.db, pg_url=args.pg_url)
    server.setup()
    os.environ.update(server.env())
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {server.token}")

    def post(path: str, body: dict, status: int = 201) -> dict:
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == status, response.content[:300]
        return response.json()

    post("/api/v1/teams", {"name": "Fulfilment", "slug": "fulfilment"})
    post(
        "/api/v1/catalog/items",
        {
            "name": "Bench item",
            "slug": "bench-item",
            "form": form(),
            "approval_stages": [{"approvers": "users", "users": ["admin"], "quorum": "any"}],
            "task_templates": [{"title": f"Task {i}", "team": "fulfilment"} for i in range(3)],
        },
    )
    body = {"item": "bench-item", "answers": ANSWERS}
    for _ in range(50):  # the caches a long-lived worker has
        post("/api/v1/requests", body)
    with CaptureQueriesContext(connection) as captured:
        post("/api/v1/requests", body)
    print(f"statements per order: {len(captured)}")
    for query in captured.captured_queries:
        print("  ", query["sql"][:160])
    began = time.process_time()
    for _ in range(args.orders):
        post("/api/v1/requests", body)
    print(f"{(time.process_time() - began) * 1000 / args.orders:.2f} ms CPU per order")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.orders):
        post("/api/v1/requests", body)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats("steward", args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())
    server.cleanup()  # the database and the files


if __name__ == "__main__":
    main()
