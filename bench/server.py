"""A throwaway Steward: fresh database, admin, token, and ``steward serve`` as a subprocess."""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEWARD = [str(Path(sys.executable).with_name("steward"))]
ADMIN = "admin"
ROOT = Path(__file__).resolve().parent.parent  # the checkout measured (and bench.floor)
# granian is measured, not a dependency: `pip install --target $GRANIAN_PATH granian`
GRANIAN_PATH = os.environ.get("BENCH_GRANIAN_PATH", "/tmp/perfhttp-granian")  # noqa: S108
STACKS = ("default", "sync", "gthread", "granian")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _vm_kb(pid: int, field: str) -> int | None:
    """A ``Vm*`` figure (kB) from /proc/<pid>/status, or None if the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """Usage: ``with Server(db="sqlite") as server: ... server.port, server.token``."""

    def __init__(
        self,
        *,
        db: str = "sqlite",
        pg_url: str = "postgres://postgres@127.0.0.1:5432/postgres",
        workers: int = 2,
        settings: str = "steward.settings",
        stack: str = "default",
        threads: int = int(os.environ.get("BENCH_THREADS", "4")),  # a run's own choice
        background: bool = os.environ.get("BENCH_WORKER", "") == "1",
    ) -> None:
        self.db, self.pg_admin_url, self.workers = db, pg_url, workers
        self.settings, self.stack, self.threads = settings, stack, threads
        # ``steward worker`` beside the server, as ``make run`` and a deployment start it (off
        # by default: the figures recorded before it ran without one)
        self.background = background
        self.worker: subprocess.Popen | None = None
        self.var_dir = Path(tempfile.mkdtemp(prefix=f"steward-bench-{db}-"))
        # a ``pg_url`` naming its own database prefixes the throwaway one's name with it (as
        # ``bench.incidents.dataset.Kept`` does), so people sharing a server tell theirs apart
        own = pg_url.rsplit("/", 1)[-1] if pg_url else ""
        prefix = f"{own}_" if own and own != "postgres" else ""
        self.pg_name = f"{prefix}steward_bench_{os.getpid()}_{int(time.time())}"
        self.port = free_port()
        self.token = ""
        self.password = secrets.token_urlsafe(18)  # the admin's; the bench only uses the token
        self.process: subprocess.Popen | None = None
        self.log_path = self.var_dir / "serve.log"

    # -- set-up ---------------------------------------------------------------------------
    @property
    def database_url(self) -> str:
        if self.db != "postgres":
            return ""
        return self.pg_admin_url.rsplit("/", 1)[0] + "/" + self.pg_name

    @property
    def sqlite_path(self) -> Path:
        return self.var_dir / "steward.sqlite3"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
        env.update(
            STEWARD_VAR_DIR=str(self.var_dir),
            STEWARD_DATABASE_URL=self.database_url,
            STEWARD_REDIS_URL="",  # huey and the cache as shipped: SQLite queue, local memory
            STEWARD_DEBUG="false",
            STEWARD_LOG_LEVEL="WARNING",
            STEWARD_ADMIN_PASSWORD=self.password,
            DJANGO_SETTINGS_MODULE=self.settings,
        )
        # this checkout's steward and bench, whatever the venv's editable install points at
        paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH", "")])]
        if self.stack == "granian":
            paths.append(GRANIAN_PATH)
        env["PYTHONPATH"] = os.pathsep.join(paths)
        return env

    def _steward(self, *args: str) -> str:
        done = subprocess.run(
            [*STEWARD, *args],
            env=self.env(),
            cwd=self.var_dir,  # see start()
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"steward {' '.join(args)} failed:\n{done.stderr or done.stdout}")
        return done.stdout

    def _pg(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.pg_admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def settle_outbox(self) -> int:
        """With a worker running, mark dispatched the outbox rows still pending and return how
        many: the floor's insert and the raw phases write an outbox row each and wake no
        worker, so without this the first Steward create woke a worker onto a backlog of
        them (1,000-2,000 after a 5 s floor) that it drained in 200-row transactions holding
        SQLite's write lock ~1.3 s each, during Steward's scenario (decision 0091). Beside a
        server that wakes it for every row, a worker has no such backlog. 0 without a worker."""
        if self.worker is None:
            return 0
        sql = "UPDATE core_outboxmessage SET dispatched_at = CURRENT_TIMESTAMP"
        sql += " WHERE dispatched_at IS NULL"
        if self.db == "postgres":
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                return conn.execute(sql).rowcount
        import sqlite3

        with sqlite3.connect(self.sqlite_path, timeout=30) as conn:
            return conn.execute(sql).rowcount

    def setup(self) -> None:
        if self.db == "postgres":
            self._pg(f'CREATE DATABASE "{self.pg_name}"')
        self._steward("migrate", "-v", "0")
        self._steward("collectstatic", "--noinput", "-v", "0")
        self._steward("createadmin", ADMIN)
        self.token = self._steward(
            "token", "create", ADMIN, "--scopes", "read,write,admin", "--name", "bench"
        ).strip()

    # -- running --------------------------------------------------------------------------
    def command(self) -> list[str]:
        """The server as ``stack`` names it: `steward serve` as shipped, or one alternative."""
        port, workers = str(self.port), str(self.workers)
        if self.stack == "granian":
            return [
                sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
                "--port", port, "--workers", workers,
                "--blocking-threads", str(self.threads), "steward.wsgi:application",
            ]  # fmt: skip
        command = [*STEWARD, "serve", "--workers", workers, "--port", port, "--no-collectstatic"]
        if self.stack == "sync":  # gunicorn's sync worker: one request, then Connection: close
            command += ["--threads", "1"]
        elif self.stack == "gthread":
            command += ["--threads", str(self.threads)]
        return command

    def start(self, timeout: float = 120) -> None:  # a loaded machine boots workers slowly
        # run from the throwaway directory, not the caller's: ``python -m gunicorn`` puts its
        # working directory first on sys.path, so started in a checkout it served that
        # checkout's steward whatever PYTHONPATH named (bench.memory's --before measured this
        # checkout twice)
        with open(self.log_path, "ab") as log:
            run = {"env": self.env(), "cwd": self.var_dir, "stdout": log, "stderr": log}
            self.process = subprocess.Popen(self.command(), **run)
            if self.background:
                self.worker = subprocess.Popen([*STEWARD, "worker"], **run)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"steward serve exited:\n{self.log_path.read_text()}")
            if self._ready() and len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.2)
        log = self.log_path.read_text()
        raise RuntimeError(f"steward serve not ready after {timeout}s:\n{log}")

    def _ready(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", f"/api/v1/users/{ADMIN}", headers=self.headers())
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}

    @property
    def master_pid(self) -> int:
        assert self.process is not None
        return self.process.pid  # `steward serve` execs gunicorn: same pid (granian: its main)

    def worker_pids(self) -> list[int]:
        pid = self.master_pid
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                return [int(p) for p in children.read().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> dict[str, float]:
        """CPU used so far by the server (master and workers) and the database's backends."""
        used = {"server": sum(map(_cpu_seconds, [self.master_pid, *self.worker_pids()]))}
        if self.worker is not None:
            used["worker"] = _cpu_seconds(self.worker.pid)
        if self.db == "postgres":
            used["postgres"] = sum(map(_cpu_seconds, self.postgres_pids()))
        return used

    def postgres_pids(self) -> list[int]:
        """The PostgreSQL backends serving the benchmark database (from their titles)."""
        pids, title = [], f" {self.pg_name} ".encode()
        for entry in os.scandir("/proc"):
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                    if entry.name.isdigit() and title in cmdline.read():
                        pids.append(int(entry.name))
            except OSError:
                continue
        return pids

    def reset_peaks(self) -> bool:
        """Reset VmHWM (``5`` > clear_refs, Linux ≥ 4.0) so each scenario has its own peak."""
        try:
            for pid in [self.master_pid, *self.worker_pids()]:
                with open(f"/proc/{pid}/clear_refs", "w") as refs:
                    refs.write("5")
        except OSError:
            return False
        return True

    def peaks(self) -> dict:
        """Peak and current resident memory (kB) of the gunicorn master and each worker."""
        workers = {pid: _vm_kb(pid, "VmHWM") for pid in self.worker_pids()}
        return {
            "master_pid": self.master_pid,
            "master_hwm_kb": _vm_kb(self.master_pid, "VmHWM"),
            "master_rss_kb": _vm_kb(self.master_pid, "VmRSS"),
            "workers_hwm_kb": {str(pid): kb for pid, kb in workers.items()},
            "worker_max_hwm_kb": max((kb or 0 for kb in workers.values()), default=None),
        }

    def stop(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGTERM)  # huey: finishes the task in hand
            try:
                self.worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cleanup(self, keep: bool = False) -> None:
        if self.db == "postgres":
            self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        if not keep:
            shutil.rmtree(self.var_dir, ignore_errors=True)

    def __enter__(self) -> Server:
        try:
            self.setup()
            self.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.stop()
        finally:
            self.cleanup()
