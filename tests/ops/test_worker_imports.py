"""A web worker loads what serving requests needs (decision 0049): huey's storage without the
queue clients Steward's storage does not use, no single sign-on library before a sign-in
(``steward/core/oidc.py``), no test library (decision 0114), ninja's schemas built on their
first use, and the API's document (every schema, built) the same as when every schema is
built at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from steward.worker_imports import absent, load_alone, unused_queue_clients

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
names += ("django.test", "django.test.signals", "unittest", "xml.dom")
loaded = {n: n in sys.modules for n in names}
from django.core.signals import setting_changed
receivers = [r() for _, r, *_ in setting_changed.receivers]
loaded["test_signal_receivers"] = sorted(
    f.__name__ for f in receivers if getattr(f, "__module__", "") == "django.test.signals"
)
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


def test_a_worker_imports_no_test_library_and_keeps_the_setting_receivers(worker):
    loaded = worker[0]
    # ninja imports django.test.signals: the module alone, not its package (unittest,
    # the test client and cases, xml.dom: ~2 MB resident; decision 0114)
    package = {name: loaded[name] for name in ("django.test", "unittest", "xml.dom")}
    assert package == dict.fromkeys(package, False)
    assert loaded["django.test.signals"] is True
    # its receivers connected once each, as in this process, which imported the package
    from django.core.signals import setting_changed

    receivers = [r() for _, r, *_ in setting_changed.receivers]
    here = sorted(
        f.__name__ for f in receivers if getattr(f, "__module__", "") == "django.test.signals"
    )
    assert len(here) > 10
    assert loaded["test_signal_receivers"] == here


def test_a_module_loads_alone_and_its_package_finds_it_later(tmp_path, monkeypatch):
    package = tmp_path / "lean37_top" / "pkg"
    package.mkdir(parents=True)
    (tmp_path / "lean37_top" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("from lean37_top.pkg import leaf\nPACKAGE = True\n")
    (package / "leaf.py").write_text("VALUE = object()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import lean37_top

    try:
        load_alone("lean37_top.pkg.leaf")
        assert "lean37_top.pkg" not in sys.modules
        alone = sys.modules["lean37_top.pkg.leaf"]
        import lean37_top.pkg

        assert lean37_top.pkg.PACKAGE is True
        assert lean37_top.pkg.leaf is alone  # the same module, not run a second time
        load_alone("lean37_top.pkg.other")  # no file: nothing
        assert "lean37_top.pkg.other" not in sys.modules
    finally:
        for name in [n for n in sys.modules if n.startswith("lean37_top")]:
            del sys.modules[name]


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


_SLA_SETUP = """
import django
django.setup()
from steward.sla import demo
print(demo.load().pk)
"""
_SLA_WORKER = """
import datetime as dt, json, sys
from steward.wsgi import application
from steward.serving import warm_and_freeze
warm_and_freeze()
from steward.sla.selectors.business_time import add_business_seconds, business_seconds_between
from steward.sla.selectors.calendars import spec_for_id
spec = spec_for_id(CALENDAR)  # what an SLA status computes on (selectors/clocks.py)
start = dt.datetime(2026, 12, 23, 16, tzinfo=dt.UTC)  # Wednesday 17:00 in Berlin
due = add_business_seconds(spec, start, 9 * 3600)
print(json.dumps([due.isoformat(), business_seconds_between(spec, start, due), sorted(
    name for name in ("holidays", "dateutil", "six") if name in sys.modules
)]))
"""


def test_a_worker_showing_an_sla_status_imports_no_holidays(migrated_sqlite, tmp_path):
    """The calendar's public holidays are rows (decision 0127): a web worker computing a due
    time over Christmas on the Berlin calendar imports neither ``holidays`` nor what it
    brings (dateutil, six: +4.6 MB), and the due time skips the holidays as before."""
    from tests.conftest import copy_migrated

    copy_migrated(migrated_sqlite, tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEWARD_")}
    env |= {"DJANGO_SETTINGS_MODULE": "steward.settings", "STEWARD_VAR_DIR": str(tmp_path)}

    def run(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()[-1]

    calendar = int(run(_SLA_SETUP))  # a calendar's write stores its holidays (and imports)
    due, seconds, loaded = json.loads(run(f"CALENDAR = {calendar}\n{_SLA_WORKER}"))
    assert loaded == []
    # one hour on the 23rd; the 24th a closure, the 25th and 26th public holidays, then the
    # weekend; eight hours on Monday 28th
    assert due == "2026-12-28T16:00:00+00:00"
    assert seconds == 9 * 3600
