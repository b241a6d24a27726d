"""Where one request's time goes, in process: Django's test client through the real
middleware against a migrated database, CPU time per request, then cProfile's top entries.

    STEWARD_VAR_DIR=/tmp/x python -m bench.request_profile --token stw_... \\
        --path /api/v1/incidents/{n} --requests 300

``{n}`` is replaced by the newest incident's number (30 are created if there is none). The
database and the token come from the environment as ``steward serve`` would use them
(``steward migrate``, ``steward createadmin admin``, ``steward token create admin``).
``--post '{"title": "Printer jams {u}", "impact": 2}'`` profiles a POST of that JSON body to
``--path`` instead (``{u}`` is a unique number per request).
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
    parser.add_argument(
        "--user", default="", help="GET --path signed in as this user (a web page), not the token"
    )
    parser.add_argument("--path", default="/api/v1/incidents/{n}")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=40, help="profile rows printed")
    parser.add_argument("--post", default="", help="a JSON body: profile POSTs of it to --path")
    parser.add_argument("--sort", default="cumulative", help="pstats order (cumulative, tottime)")
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
    if args.user:
        from django.contrib.auth import get_user_model

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=args.user))
    serial = iter(range(10**9))

    def request() -> None:
        if not args.post:
            response = client.get(path)
        else:
            body = args.post.replace("{u}", str(next(serial)))
            response = client.post(path, body, content_type="application/json")
        if response.status_code >= 400:
            raise SystemExit(f"{path}: HTTP {response.status_code}: {response.content[:300]}")

    for _ in range(50):  # the caches and compiled statements a long-lived worker has
        request()
    began = time.process_time()
    for _ in range(args.requests):
        request()
    cpu_ms = (time.process_time() - began) * 1000 / args.requests
    print(f"{'POST' if args.post else 'GET'} {path}: {cpu_ms:.2f} ms CPU per request")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        request()
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
