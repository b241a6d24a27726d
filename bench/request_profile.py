"""Where one request's time goes, in process: Django's test client through the real
middleware against a migrated database, CPU time per request, then cProfile's top entries.

    STEWARD_VAR_DIR=/tmp/x python -m bench.request_profile --token stw_... \\
        --path /api/v1/incidents/{n} --requests 300

``{n}`` is replaced by the newest incident's number (30 are created if there is none). The
database and the token come from the environment as ``steward serve`` would use them
(``steward migrate``, ``steward createadmin admin``, ``steward token create admin``).

A web page is profiled signed in as a user instead of with a token (a loaded demo, e.g.
``steward demo``)::

    STEWARD_VAR_DIR=/tmp/x python -m bench.request_profile --user alice --path /incidents/

The statements of one request are counted and the slowest printed (``--statements``).

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
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--token", help="an API token (read, write)")
    who.add_argument("--user", help="a web page as this user (signed in, the session)")
    parser.add_argument("--path", default="/api/v1/incidents/{n}")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=40, help="profile rows printed")
    parser.add_argument("--statements", type=int, default=0, help="slowest statements printed")
    parser.add_argument("--post", default="", help="a JSON body: profile POSTs of it to --path")
    parser.add_argument("--sort", default="cumulative", help="pstats order (cumulative, tottime)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    import django

    django.setup()
    from django.test import Client

    if args.user:
        from steward.core.models import User

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=args.user))
        path = args.path
    else:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {args.token}")
        path = args.path.replace("{n}", _newest_number(client))
    serial = iter(range(10**9))

    def request() -> None:
        if not args.post:
            response = client.get(path)
        else:
            body = args.post.replace("{u}", str(next(serial)))
            response = client.post(path, body, content_type="application/json")
        if response.status_code >= 400:
            raise SystemExit(f"{path}: HTTP {response.status_code}: {response.content[:300]}")

    request()
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
    if args.statements:
        _print_statements(request, args.statements)


def _newest_number(client) -> str:  # noqa: ANN001 - django.test.Client
    """The newest incident's number, after creating 30 if there is none."""
    items = client.get("/api/v1/incidents?limit=1").json()["items"]
    if not items:
        for i in range(30):
            body = {"title": f"Printer jams {i}", "impact": 2, "urgency": 2}
            client.post("/api/v1/incidents", body, content_type="application/json")
        items = client.get("/api/v1/incidents?limit=1").json()["items"]
    return items[0]["number"]


def _print_statements(request, top: int) -> None:  # noqa: ANN001 - the profiled request
    """Each statement of one request (a GET or the POST profiled) with its time, the slowest
    ``top`` in full."""
    from django.db import connection

    timed: list[tuple[float, str]] = []

    def timer(execute, sql, params, many, context):  # noqa: ANN001, ANN202 - Django's hook
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - began) * 1000, sql))

    with connection.execute_wrapper(timer):
        request()
    print(f"{len(timed)} statements, {sum(t for t, _ in timed):.2f} ms in the database")
    for ms, sql in sorted(timed, reverse=True)[:top]:
        print(f"{ms:8.2f} ms  {sql[:600]}")


if __name__ == "__main__":
    main()
