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


def raw_get(port: int, target: str, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One ``steward serve`` for the module's cases: each only reads (a GET the server
    refuses), so a server booted per case (gunicorn and Django, seconds of CPU each) would
    answer exactly as this one does."""
    tmp_path = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env.update({"STEWARD_VAR_DIR": str(tmp_path), "STEWARD_SECRET_KEY": "x" * 50})
    process = subprocess.Popen(
        [sys.executable, "-m", "steward.cli", "serve", "--no-collectstatic", "--workers", "1",
         "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    # Ready means a worker answers, not just that the port listens: gunicorn's master binds
    # the port before its worker has loaded Django, which on a busy machine takes seconds.
    deadline = time.monotonic() + 120
    while True:
        try:
            raw_get(port, "/api/v1/teams", timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.5)
    yield port
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.parametrize("length", [10_000, 100_000, 900_000])
def test_an_over_long_api_url_is_414_in_the_error_shape(server, length):
    status, headers, body = raw_get(server, "/api/v1/teams?q=" + "x" * length)

    assert status == 414
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"]["code"] == "uri_too_long"
