"""``steward``: the operator's command. Wraps manage.py and adds serve and worker."""

from __future__ import annotations

import argparse
import os
import sys


def _django(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["steward", *argv])


def serve(argv: list[str]) -> None:
    # gunicorn's gthread worker: threads per process and keep-alive connections, chosen by
    # measurement over the sync worker (Connection: close) and granian (docs/decisions/0013)
    parser = argparse.ArgumentParser(
        prog="steward serve", description="Run the production HTTP server (gunicorn, gthread)."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("STEWARD_WORKERS", 2)))
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("STEWARD_THREADS", 4)),
        help="threads per worker (1: gunicorn's sync worker, one request per connection)",
    )
    parser.add_argument(
        "--keep-alive",
        type=int,
        default=int(os.environ.get("STEWARD_KEEP_ALIVE", 5)),
        help="seconds an idle client connection stays open (above a proxy's idle timeout)",
    )
    parser.add_argument(
        "--preload",
        action="store_true",
        help="load Steward once in the master and fork the workers from it: they share the"
        " start-up pages (less memory per added worker); a code change then needs a restart,"
        " not a HUP (docs/decisions/0037)",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request to stdout")
    parser.add_argument(
        "--no-collectstatic",
        action="store_true",
        help="skip collecting static files (done at deploy time)",
    )
    args = parser.parse_args(argv)
    if not args.no_collectstatic:
        _django(["collectstatic", "--noinput", "-v", "0"])
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "steward.wsgi:application",
        "--config",
        "python:steward.serving",  # hooks: routes imported and start-up objects frozen
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--keep-alive",
        str(args.keep_alive),
        "--worker-tmp-dir",
        "/dev/shm",  # noqa: S108 - gunicorn heartbeat files, not data
        "--graceful-timeout",
        "20",
        "--forwarded-allow-ips",
        "127.0.0.1",
        # 0: gunicorn's fast parser takes request lines up to 1 MiB, and Django answers a URL
        # above settings.MAX_URL_BYTES with a 414 (in the API's error shape under /api/)
        # instead of gunicorn's own HTML 400 at 4 KiB.
        "--limit-request-line",
        "0",
    ]
    if args.preload:
        command += ["--preload"]
    if args.access_log:
        command += ["--access-logfile", "-"]
    os.execv(sys.executable, command)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "steward.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__.strip().splitlines()[0])
        print(
            "\ncommands: serve, worker, migrate, createadmin, token, demo, config-docs,"
            " and every manage.py command (steward help)."
        )
        return
    command, rest = args[0], args[1:]
    if command == "serve":
        serve(rest)
    elif command == "worker":
        # huey consumer; SIGTERM finishes running tasks before exiting (see settings.HUEY)
        _django(["run_huey", *rest])
    elif command == "config-docs":
        from steward.conf import configuration_markdown

        sys.stdout.write(configuration_markdown())
    else:
        _django([command, *rest])


if __name__ == "__main__":
    main()
