"""A real Steward for the fault suite: a database of its own, an SMTP sink, and ``steward
serve`` and ``steward worker`` as processes the test kills with SIGKILL.

The pytest-django test database cannot be shared with other processes (each test runs inside
a transaction that is rolled back), so the processes get a fresh one: a file in the test's
directory on SQLite, a database created beside the test database on PostgreSQL (dropped at
the end). The test reads it directly (sqlite3 / psycopg), never through Django's connection.
"""

from __future__ import annotations

import asyncio
import email
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
# Short delivery timings, so leases and backoff play out within seconds instead of minutes:
# an SMTP call gives up after 2 s, so a mail's claim lasts 20 s and the sweep's lease 10 s;
# the first retry waits 1 s (doubling).
TIMINGS = {"STEWARD_EMAIL_TIMEOUT": "2", "STEWARD_DELIVERY_RETRY_BASE_SECONDS": "1"}
CLAIM_LEASE = 20
SWEEP_LEASE = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: Callable[[], object], *, timeout: float, what: str, step: float = 0.2):
    """Poll ``check`` until it returns something true; fail naming ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Database:
    """The processes' database, and plain SQL on it for the test's checks."""

    def __init__(self, var_dir: Path, template: str | None = None) -> None:
        """``template``: a migrated PostgreSQL database to copy (``migrated_postgres``)."""
        from django.conf import settings

        self.postgres = settings.IS_POSTGRES
        if not self.postgres:
            self.path = var_dir / "steward.sqlite3"  # the default file under STEWARD_VAR_DIR
            self.url = ""
            return
        db = settings.DATABASES["default"]
        self.params = {
            "host": db.get("HOST") or "127.0.0.1",
            "port": int(db.get("PORT") or 5432),
            "user": db.get("USER") or "postgres",
            "password": db.get("PASSWORD") or "",
        }
        base = str(db["NAME"]).removeprefix("test_")
        self.name = f"faults_{base}_{os.getpid()}"[:63]
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        copy = f' TEMPLATE "{template}"' if template else ""
        self._admin(f'CREATE DATABASE "{self.name}"{copy}')
        auth = quote(self.params["user"])
        if self.params["password"]:
            auth += ":" + quote(self.params["password"])
        self.url = f"postgres://{auth}@{self.params['host']}:{self.params['port']}/{self.name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.params) as conn:
            conn.execute(sql)

    def query(self, sql: str, *, rows: bool = True) -> list[tuple]:
        if not self.postgres:
            with sqlite3.connect(self.path, timeout=20) as conn:
                return conn.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(dbname=self.name, autocommit=True, **self.params) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if rows else []

    def execute(self, sql: str) -> None:
        self.query(sql, rows=False)

    def scalar(self, sql: str) -> int:
        return self.query(sql)[0][0]

    def terminate_backends(self) -> int:
        """Cut every connection the processes hold: what a PostgreSQL restart does to them.
        The shared server itself is not restarted (other test runs use it)."""
        return self.query(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            f" WHERE datname = '{self.name}' AND pid <> pg_backend_pid()"
        )[0][0]

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Sink:
    """An SMTP server that records the Message-ID of every mail it accepts. ``down`` and
    ``up`` take it away and bring it back on the same port; ``trap`` kills the sender of the
    next matching mail while that sender waits for the answer (the mail is not accepted)."""

    def __init__(self) -> None:
        # While down, the sink keeps its port bound but not listening: a connection is
        # refused, as from a stopped server, and no other test's server (the suite runs in
        # parallel) can take the number in the meantime. A released number was taken once:
        # mails meant to fail were accepted by another test's sink (CI, 2026-12-06).
        self._held: socket.socket | None = None
        self.port = self._hold(0)
        self.accepted: list[str] = []  # Message-IDs, in the order received
        self.lock = threading.Lock()
        self.controller: Controller | None = None
        self._trap: tuple[Callable[[str], bool], Callable[[], None]] | None = None
        self.sprung = threading.Event()
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.delay:  # a slow server: each mail takes this long to be accepted
            await asyncio.sleep(self.delay)
        message_id = email.message_from_bytes(envelope.content)["Message-ID"]
        with self.lock:
            trap, self._trap = self._trap, None
            if trap is not None and not trap[0](message_id):
                self._trap, trap = trap, None
        if trap is not None:
            trap[1]()
            self.sprung.set()
            return "451 4.3.0 the sender was killed"
        with self.lock:
            self.accepted.append(message_id)
        return "250 OK"

    def trap(self, match: Callable[[str], bool], action: Callable[[], None]) -> None:
        self.sprung.clear()
        with self.lock:
            self._trap = (match, action)

    def ids(self) -> list[str]:
        with self.lock:
            return list(self.accepted)

    def _hold(self, port: int) -> int:
        held = socket.socket()
        try:
            held.bind(("127.0.0.1", port))
        except OSError:  # the port's own closed connections linger in TIME_WAIT
            held.close()
            held = socket.socket()
            held.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            held.bind(("127.0.0.1", port))
        self._held = held
        return held.getsockname()[1]

    def _release(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    def up(self) -> None:
        self._release()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        if self._held is None:
            self._hold(self.port)

    def close(self) -> None:
        """Stop serving and give the port back (the test is over)."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
        self._release()


def group_members(group: int) -> set[int]:
    """The process ids in a process group (Linux: the fifth field of /proc/<pid>/stat)."""
    members = {group}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # it ended while we looked
                continue
            # the command name (field 2) may hold spaces: split after its closing parenthesis
            if int(stat.rpartition(")")[2].split()[2]) == group:
                members.add(int(entry.name))
    return members


class Process:
    """One ``steward`` command in its own process group, so SIGKILL takes all of it (the
    gunicorn master and its workers at once, as a crash of the machine's process would)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logs: Path) -> None:
        self.name, self.args, self.env, self.logs = name, args, env, logs
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.killed: set[int] = set()  # process ids SIGKILL took (a lease's holder names one)

    @property
    def log(self) -> Path:
        return self.logs / f"{self.name}-{self.starts}.log"

    def start(self) -> None:
        self.starts += 1
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "steward.cli", *self.args],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, no graceful anything."""
        if self.proc is not None and self.proc.poll() is None:
            self.killed |= group_members(self.proc.pid)
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Steward:
    """The server, the worker and their environment."""

    def __init__(self, tmp: Path, db: Database, sink: Sink) -> None:
        self.tmp, self.db, self.sink = tmp, db, sink
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
        env.update(TIMINGS)
        env.update(
            PYTHONPATH=str(ROOT),
            STEWARD_VAR_DIR=str(tmp),
            STEWARD_SECRET_KEY="fault-suite-" + "k" * 40,
            STEWARD_EMAIL_HOST="127.0.0.1",
            STEWARD_EMAIL_PORT=str(sink.port),
            STEWARD_EMAIL_TLS="false",
        )
        if db.url:
            env["STEWARD_DATABASE_URL"] = db.url
        self.env = env
        # one gunicorn process with threads: a restart imports Django once, not per worker
        serve = ["serve", "--no-collectstatic", "--workers", "1", "--threads", "4"]
        serve += ["--port", str(self.port)]
        self.server = Process("server", serve, env, tmp)
        self.worker = Process("worker", ["worker"], env, tmp)
        self.token = ""

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "steward.cli", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def start_server(self) -> None:
        self.server.start()
        wait_for(self._answers, timeout=60, what=f"the server ({self.server.log})")

    def _answers(self) -> bool:
        try:
            self.call("GET", "/api/v1/teams?limit=1")
        except (OSError, urllib.error.HTTPError):
            return False
        return True

    def start_worker(self) -> None:
        self.worker.start()
        log = self.worker.log
        wait_for(
            lambda: "consumer started" in log.read_text(), timeout=60, what=f"the worker ({log})"
        )

    def call(self, method: str, path: str, body: dict | None = None, **headers: str):
        """One API request; returns (status, parsed body). Raises OSError when the server is
        unreachable or drops the connection, HTTPError on a 5xx."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                **headers,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - local
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                raise
            return exc.code, json.loads(exc.read() or b"null")

    def lease_holder(self, name: str) -> str | None:
        """Who holds the lease now (None: free or expired)."""
        now = "now()" if self.db.postgres else "strftime('%Y-%m-%d %H:%M:%f', 'now')"
        rows = self.db.query(
            f"SELECT holder FROM core_lease WHERE name = '{name}' AND locked_until > {now}"
        )
        return rows[0][0] if rows else None

    def worker_ran(self, task: str) -> bool:
        """The current worker has run ``task`` to its end (huey logs it)."""
        return any(
            task in line and "executed in" in line
            for line in self.worker.log.read_text().splitlines()
        )

    def close(self) -> None:
        self.worker.kill()
        self.server.kill()
        self.sink.close()
