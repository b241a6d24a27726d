"""``make run`` (scripts/run): what it prints matches the address it serves on."""

import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Stands in for the installed command: records each call, and ``serve`` returns at once.
STUB = """#!/usr/bin/env bash
echo "steward $*" >> "$(dirname "$0")/calls"
"""


def test_the_printed_address_follows_steward_host_and_port(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "run", tmp_path / "scripts" / "run")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    stub = bin_dir / "steward"
    stub.write_text(STUB)
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}

    done = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "run")],
        env={**env, "STEWARD_HOST": "0.0.0.0", "STEWARD_PORT": "8123"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert "starting on http://0.0.0.0:8123" in done.stdout, done.stderr
    assert "http://0.0.0.0:8123/api/docs" in done.stdout
    assert ":8000" not in done.stdout
    serve = [c for c in (bin_dir / "calls").read_text().splitlines() if " serve " in c]
    assert serve == ["steward serve --no-collectstatic --host 0.0.0.0 --port 8123"]
