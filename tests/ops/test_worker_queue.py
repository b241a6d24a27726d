"""The job queue: huey on SQLite by default, on Redis when STEWARD_REDIS_URL is set."""

import os
from pathlib import Path

import pytest
import redis

from tests.conftest import copy_migrated
from tests.ops.test_settings import run_steward

REDIS_URL = os.environ.get("STEWARD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRED = os.environ.get("STEWARD_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}

ROUND_TRIP = """
import sys
from huey.contrib.djhuey import HUEY
from steward.core.tasks import dispatch_outbox
HUEY.flush()
dispatch_outbox()
print(type(HUEY).__name__, HUEY.pending_count())
task = HUEY.dequeue()
print(HUEY.execute(task), HUEY.pending_count())
print(*(name in sys.modules for name in ("redis", "psycopg")))
"""


def _redis_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def test_default_queue_is_sqlite(tmp_path, migrated_sqlite):
    env = {"STEWARD_VAR_DIR": str(tmp_path)}
    copy_migrated(migrated_sqlite, tmp_path)
    result = run_steward("shell", "-c", ROUND_TRIP, env_extra=env)
    lines = result.stdout.split()
    assert lines[-6:-2] == ["SqliteHuey", "1", "0", "0"], result.stdout + result.stderr
    assert (tmp_path / "huey.sqlite3").exists()
    # neither queue client was loaded for it (decision 0131): not the Redis client, and on
    # SQLite not psycopg, which huey's storage module imports at its top
    assert lines[-2:] == ["False", "False"], result.stdout + result.stderr


def test_redis_queue_when_configured(tmp_path, migrated_sqlite):
    if not _redis_up():
        if REQUIRED:
            pytest.fail(f"Redis is required in CI but not reachable at {REDIS_URL}")
        pytest.skip("Redis not reachable")
    env = {"STEWARD_VAR_DIR": str(tmp_path), "STEWARD_REDIS_URL": REDIS_URL}
    copy_migrated(migrated_sqlite, tmp_path)
    result = run_steward("shell", "-c", ROUND_TRIP, env_extra=env)
    # the task was queued in Redis, ran (0 rows on an empty outbox) and left the queue empty;
    # the Redis client was loaded, psycopg (a SQLite database) not
    lines = result.stdout.split()
    assert lines[-6:] == ["RedisHuey", "1", "0", "0", "True", "False"], (
        result.stdout + result.stderr
    )
    assert not (tmp_path / "huey.sqlite3").exists()


def _catches_sigterm(pid):
    """Whether the process has a handler for SIGTERM (SigCgt in /proc, bit 15 counted from 1)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (15 - 1)))
    return False


def test_worker_stops_gracefully_on_sigterm(tmp_path, migrated_sqlite):
    import signal
    import subprocess
    import sys
    import time

    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env["STEWARD_VAR_DIR"] = str(tmp_path)
    copy_migrated(migrated_sqlite, tmp_path)
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "steward.cli", "worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        # a wait, not a timing: a worker starts in ~2 s, and took over 30 s at load 18 (suite37)
        deadline = time.monotonic() + 120
        # huey logs "consumer started" before it installs its SIGTERM handler; a signal in
        # between takes the default action (-15). Wait until the process catches SIGTERM.
        while not _catches_sigterm(worker.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "consumer started" in log.read_text()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    text = log.read_text()
    assert "Shutting down gracefully" in text, text
