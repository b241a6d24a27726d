"""What the in-process CMDB benches (``bulk_inproc``, ``import_inproc``) share: their
options, a fresh server's database for Django in this process, and the results file."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from bench.incidents import setup
from bench.server import Server

ROOT = Path(__file__).resolve().parents[2]


class Rollback(Exception):  # noqa: N818 - control flow: undo a measured import
    pass


def options(prog: str, *, cis: int, cis_help: str | None = None) -> argparse.ArgumentParser:
    """``--db``, ``--cis`` (the estate) and ``--rows``; the bench adds its own after them."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cis", type=int, default=cis, help=cis_help)
    return parser


def run_on_fresh_server(
    parser: argparse.ArgumentParser,
    argv: list[str] | None,
    run: Callable[[argparse.Namespace, Server], dict],
    result: str,
) -> int:
    """Adds ``--repeats``, ``--profile`` and ``--pg-url``; runs ``run(args, server)`` with
    Django in this process on a fresh server's database, dropped afterwards, and writes what
    it returns to ``bench/results/<result>.json`` (``result`` formatted with the options)."""
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    server = Server(db=args.db, pg_url=args.pg_url)
    server.setup()
    try:
        setup.django_in_process(server)
        data = run(args, server)
    finally:
        from django.db import connections

        connections.close_all()
        server.cleanup()
    out = ROOT / "bench" / "results" / f"{result.format(**vars(args))}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(data, indent=2))
    print(f"wrote {out}")  # noqa: T201
    return 0
