"""Where one request's time goes, in process: Django's test client through the real
middleware against a migrated database, CPU time per request, then cProfile's top entries.

    STEWARD_VAR_DIR=/tmp/x python -m bench.request_profile --token stw_... \\
        --path /api/v1/incidents/{n} --requests 300

``{n}`` is replaced by the newest incident's number (30 are created if there is none). The
database and the token come from the environment as ``steward serve`` would use them
(``steward migrate``, ``steward createadmin admin``, ``steward token create admin``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.request_profile", description=__doc__)
    parser.add_argument("--token", required=True, help="an API token (read, write)")
    parser.add_argument("--path", default="/api/v1/incidents/{n}")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=40, help="profile rows printed")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {args.token}")
    items = client.get("/api/v1/incidents?limit=1").json()["items"]
    if not items:
        for i in range(30):
            body = {"title": f"Printer jams {i}", "impact": 2, "urgency": 2}
            client.post("/api/v1/incidents", body, content_type="application/json")
        items = client.get("/api/v1/incidents?limit=1").json()["items"]
    path = args.path.replace("{n}", items[0]["number"])
    for _ in range(50):  # the caches and compiled statements a long-lived worker has
        client.get(path)
    began = time.process_time()
    for _ in range(args.requests):
        client.get(path)
    cpu_ms = (time.process_time() - began) * 1000 / args.requests
    print(f"{path}: {cpu_ms:.2f} ms CPU per request")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        client.get(path)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
