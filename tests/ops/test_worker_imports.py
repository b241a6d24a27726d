"""A web worker loads what serving requests needs (decision 0049): huey's storage without the
queue clients Steward's storage does not use, no single sign-on library before a sign-in
(``steward/core/oidc.py``), ninja's schemas built on their first use, and the API's document
(every schema, built) the same as when every schema is built at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from steward.worker_imports import absent, unused_queue_clients

_WORKER = """
import json, sys
from steward.wsgi import application
from steward.serving import warm_and_freeze
warm_and_freeze()  # what gunicorn's worker runs before its first request
from django.conf import settings
from huey.contrib.djhuey import HUEY
from ninja import Schema
from pydantic import BaseModel

def models(base):
    for sub in base.__subclasses__():
        yield sub
        yield from models(sub)

deferred = sum(1 for m in set(models(Schema)) if not m.__pydantic_complete__)
names = ("redis", "psycopg", "requests", "urllib3", "joserfc", "cryptography")
loaded = {n: n in sys.modules for n in names}
queue = type(HUEY.storage).__name__
from steward.api.main import api
document = api.get_openapi_schema()  # builds every operation's schemas
print(json.dumps([loaded, deferred, queue, bool(settings.REDIS_URL), document]))
"""
# the same document from a process that built every schema when its class was created
_EAGER = """
import json, django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from steward.api.main import api
print(json.dumps(api.get_openapi_schema()))
"""


def _last_line(code: str, tmp_path) -> object:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "steward.settings"}
    env["STEWARD_VAR_DIR"] = str(tmp_path)  # the huey queue file of this process alone
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def worker(tmp_path_factory) -> list:
    return _last_line(_WORKER, tmp_path_factory.mktemp("worker"))


def test_a_worker_imports_no_queue_client_its_queue_does_not_use(worker, settings):
    loaded, _, queue, redis_url, _ = worker
    assert queue == ("RedisStorage" if redis_url else "SqliteStorage")
    assert loaded["redis"] is bool(redis_url)
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert loaded["psycopg"] is False  # PostgreSQL's driver, imported there by Django


def test_a_worker_imports_no_single_sign_on_library_before_a_sign_in(worker):
    loaded = worker[0]
    # ~15 MB resident: imported by the first call to the provider, not with the routes
    sso = {name: loaded[name] for name in ("requests", "urllib3", "joserfc", "cryptography")}
    assert sso == dict.fromkeys(sso, False)


def test_a_worker_builds_the_schemas_on_first_use_with_the_same_document(worker, tmp_path):
    _, deferred, _, _, document = worker
    assert deferred > 100  # Steward's schemas and ninja's response models, not yet built
    assert document == _last_line(_EAGER, tmp_path)


def test_a_name_is_absent_inside_the_block_and_importable_after(tmp_path, monkeypatch):
    (tmp_path / "mem17_sample.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with absent(["mem17_sample", "json"]):
        with pytest.raises(ImportError):
            import mem17_sample  # noqa: F401
        import json as loaded  # already loaded before the block: left alone

        assert loaded is json
    import mem17_sample

    assert mem17_sample.VALUE == 1
    del sys.modules["mem17_sample"]


def test_the_queue_clients_left_out_follow_the_redis_url():
    assert unused_queue_clients("") == ["psycopg", "redis"]
    assert unused_queue_clients("redis://127.0.0.1:6379/0") == ["psycopg"]
