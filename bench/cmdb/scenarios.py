"""The read scenarios besides impact: the CI list filtered by class and attribute (beside
the same SQL replayed with the plain driver) and a CI ``as_of`` a past moment."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import time
from urllib.parse import quote

LIST_PATH = "/api/v1/cis?class=database&attr.engine=oracle"


def capture(path: str, headers: dict[str, str], repeat: int = 3) -> list[str]:
    """Every SQL statement one in-process request runs (the last of ``repeat``)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    extra = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    extra.pop("HTTP_CONTENT_TYPE", None)
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, **extra)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code} {response.content[:300]!r}")
    return [q["sql"] for q in ctx.captured_queries]


def get_json(port: int, headers: dict[str, str], path: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(body or b"{}")
    except ValueError:
        return response.status, {"raw": body[:300].decode(errors="replace")}


def patch_json(port: int, headers: dict[str, str], path: str, body: dict) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("PATCH", path, json.dumps(body).encode(), headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def as_of_setup(port: int, headers: dict[str, str], number: str) -> dict:
    """Rename the CI after a moment ``past``; does ``?as_of=past`` answer the old name?

    Returns ``{"works": bool, "reason": ..., "path": ...}``: the scenario runs only when
    the API rebuilds the past (a 422 or an ignored parameter means it is not there yet)."""
    status, now = get_json(port, headers, f"/api/v1/cis/{number}")
    if status != 200:
        return {"works": False, "reason": f"GET {number}: HTTP {status}"}
    time.sleep(1.1)  # the past moment is strictly between the load and the rename
    past = dt.datetime.now(dt.UTC).replace(microsecond=0)
    time.sleep(1.1)
    renamed = now["name"] + " (renamed)"
    status, _body = patch_json(
        port, headers, f"/api/v1/cis/{number}", {"name": renamed, "version": now["version"]}
    )
    if status != 200:
        return {"works": False, "reason": f"PATCH {number}: HTTP {status}"}
    path = f"/api/v1/cis/{number}?as_of={quote(past.isoformat())}"
    status, then = get_json(port, headers, path)
    result = {"path": path, "number": number, "as_of": past.isoformat()}
    if status != 200:
        return result | {"works": False, "reason": f"HTTP {status}: {str(then)[:200]}"}
    if then.get("name") != now["name"]:
        return result | {"works": False, "reason": "as_of is ignored: the answer has the new name"}
    rel_path = f"/api/v1/cis/{number}/relationships?as_of={quote(past.isoformat())}"
    status, links = get_json(port, headers, rel_path)
    result |= {"works": True, "relationships_path": rel_path if status == 200 else None}
    result["relationships_then"] = len(links.get("items", [])) if status == 200 else None
    return result
