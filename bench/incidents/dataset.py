"""A loaded incidents database kept between runs: built once, reused.

At 1,000,000 incidents the load takes minutes; the read figures need the same rows every
time. ``Kept`` is a ``DemoServer`` whose var dir (SQLite file, huey queue) and PostgreSQL
database have fixed names under ``--data-dir``; ``loaded.json`` beside them records the
figures of the run that built it (and the bench tokens, so a reused set serves requests),
so a later run reports them too. ``label`` names a second set beside it (the
"empty" twin that ``bench.incidents.scale`` measures the create on).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from bench import report
from bench.incidents import setup

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


class Kept(setup.DemoServer):
    def __init__(  # noqa: PLR0913
        self,
        *,
        db: str,
        rows: int,
        root: Path,
        pg_url: str,
        settings: str = "steward.settings",
        label: str = "",
    ) -> None:
        super().__init__(db=db, pg_url=pg_url, workers=2)
        self.settings = settings
        shutil.rmtree(self.var_dir, ignore_errors=True)  # the base made a temp dir
        suffix = f"-{label}" if label else ""
        self.var_dir = root / f"incidents-{db}-{rows}{suffix}"
        self.log_path = self.var_dir / "serve.log"
        # a ``--pg-url`` naming its own database prefixes the kept sets' names with it, so
        # two people building sets on one server don't drop each other's
        own = pg_url.rsplit("/", 1)[-1] if pg_url else ""
        prefix = f"{own}_" if own and own != "postgres" else ""
        self.pg_name = f"{prefix}steward_bench_kept_incidents_{rows}{suffix.replace('-', '_')}"
        self.marker = self.var_dir / "loaded.json"

    @property
    def loaded(self) -> dict | None:
        return json.loads(self.marker.read_text()) if self.marker.exists() else None

    def __enter__(self) -> Kept:
        loaded = self.loaded
        if loaded is None:  # a half-built set is thrown away and built again
            self.drop()
            self.var_dir.mkdir(parents=True)
            self.setup()
        else:
            self.token = loaded.get("tokens", {}).get("admin", "")
            self.agent_token = loaded.get("tokens", {}).get("agent", "")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()  # the data stays for the next run

    def tokens(self) -> dict:
        return {"tokens": {"admin": self.token, "agent": self.agent_token}}

    def mark_loaded(self, figures: dict) -> None:
        self.marker.write_text(json.dumps(self.tokens() | figures, indent=1, default=str))

    def drop(self) -> None:
        if self.db == "postgres":
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        shutil.rmtree(self.var_dir, ignore_errors=True)

    def twin(self, label: str) -> Kept:
        """A copy of this set as it is now (the demo alone, before the rows are grown)."""
        other = Kept(
            db=self.db,
            rows=int(self.var_dir.name.split("-")[2]),
            root=self.var_dir.parent,
            pg_url=self.pg_admin_url,
            settings=self.settings,
            label=label,
        )
        other.drop()
        other.var_dir.mkdir(parents=True)
        if self.db == "postgres":
            self._pg(f'CREATE DATABASE "{other.pg_name}" TEMPLATE "{self.pg_name}"')
        for path in self.var_dir.iterdir():  # the SQLite file, the secret key, the static files
            if path.name.startswith("steward.sqlite3") or path.name in ("secret_key", "static"):
                copy = shutil.copytree if path.is_dir() else shutil.copy2
                copy(path, other.var_dir / path.name)
        other.token, other.agent_token = self.token, self.agent_token
        other.mark_loaded({"twin_of": str(self.var_dir)})
        return other


def set_options(parser: argparse.ArgumentParser, *, rows: int = 1_000_000, db: bool = True) -> None:
    """The options naming a kept set: ``--db`` (unless the bench is PostgreSQL's alone),
    ``--rows``, ``--data-dir``, ``--pg-url``."""
    if db:
        parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=rows)
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench-data"))
    parser.add_argument("--pg-url", default=PG_ADMIN)


def read_options(
    parser: argparse.ArgumentParser, scenarios: str = "comma-separated subset of the reads"
) -> None:
    """The in-process read benches' choice of reads (``scale.READS``) and incident."""
    parser.add_argument("--scenarios", default="", help=scenarios)
    parser.add_argument("--number", default="", help="the incident to read (else the bench's)")


def run_on_kept(
    args: argparse.Namespace,
    measure: Callable[[Kept, argparse.Namespace], list[dict]],
    name: str,
    *,
    units: str = "",
    omit: str = "",
) -> int:
    """The in-process benches' ``main`` (planning, prepared, reads): Django in this process
    on the kept set ``args`` name, ``measure(kept, args)`` between two load-average lines,
    its rows (without their key ``omit``) saved as ``name``. 1 when the set is not built."""
    kept = Kept(
        db=getattr(args, "db", "postgres"), rows=args.rows, root=args.data_dir,
        pg_url=args.pg_url, label=getattr(args, "label", ""),
    )  # fmt: skip
    if not kept.loaded:
        print(f"no kept set at {kept.var_dir}: build it with bench.incidents.scale")  # noqa: T201
        return 1
    kept.agent_token = kept.loaded["tokens"]["agent"]
    setup.django_in_process(kept)
    note = f"  ({units})" if units else ""
    print(f"load average at start: {os.getloadavg()}{note}", flush=True)  # noqa: T201
    rows = measure(kept, args)
    print(f"load average at end: {os.getloadavg()}", flush=True)  # noqa: T201
    saved = report.write_json(
        {"rows": [{k: v for k, v in r.items() if k != omit} for r in rows],
         "load": report.load_average(), "machine": report.machine()},
        name,
    )  # fmt: skip
    print(f"saved {saved}")  # noqa: T201
    return 0
