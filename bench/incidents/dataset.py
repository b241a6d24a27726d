"""A loaded incidents database kept between runs: built once through the bulk path, reused.

At 1,000,000 incidents the load takes minutes; the read figures (search) need the same rows
every time. ``Kept`` is a ``DemoServer`` whose var dir (SQLite file, huey queue) and
PostgreSQL database have fixed names under ``--data-dir``; ``loaded.json`` beside them
records the bulk figures of the run that built it, so a later run reports them too.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.incidents.setup import DemoServer


class Kept(DemoServer):
    def __init__(self, *, db: str, rows: int, root: Path, pg_url: str) -> None:
        super().__init__(db=db, pg_url=pg_url, workers=2)
        shutil.rmtree(self.var_dir, ignore_errors=True)  # the base made a temp dir
        self.var_dir = root / f"incidents-{db}-{rows}"
        self.log_path = self.var_dir / "serve.log"
        self.pg_name = f"steward_bench_kept_incidents_{rows}"
        self.marker = self.var_dir / "loaded.json"

    @property
    def loaded(self) -> dict | None:
        return json.loads(self.marker.read_text()) if self.marker.exists() else None

    def __enter__(self) -> Kept:
        if self.loaded is None:  # a half-built set is thrown away and built again
            self.drop()
            self.var_dir.mkdir(parents=True)
            self.setup()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()  # the data stays for the next run

    def mark_loaded(self, figures: dict) -> None:
        self.marker.write_text(json.dumps(figures, indent=1, default=str))

    def drop(self) -> None:
        if self.db == "postgres":
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        shutil.rmtree(self.var_dir, ignore_errors=True)
