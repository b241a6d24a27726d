"""``steward serve`` (gunicorn) hands an over-long URL to Django, whose answer is a 414 in
the API's error shape, not gunicorn's own HTML page."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raw_get(port: int, target: str) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env.update({"STEWARD_VAR_DIR": str(tmp_path), "STEWARD_SECRET_KEY": "x" * 50})
    process = subprocess.Popen(
        [sys.executable, "-m", "steward.cli", "serve", "--no-collectstatic", "--workers", "1",
         "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.parametrize("length", [10_000, 100_000, 900_000])
def test_an_over_long_api_url_is_414_in_the_error_shape(server, length):
    status, headers, body = raw_get(server, "/api/v1/teams?q=" + "x" * length)

    assert status == 414
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == "uri_too_long"
