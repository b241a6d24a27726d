"""A read leaves nothing behind in the worker (issue 13: a worker within 120 MB after 100,000
reads): the incident's API detail, read many times through Django's WSGI
handler as gunicorn calls it, must not grow the memory Python has allocated.

Not through Django's test client: its handler connects ``close_old_connections`` to the
request signals again on every request, and each connect registers a ``weakref.finalize``
that is never removed (~600 bytes a request, measured on branch mem15): it would hide a
product leak of that size and was the "about 1 kB per read" of the first in-process probe.
"""

from __future__ import annotations

import gc
import io
import sys
import tracemalloc
from collections.abc import Callable

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory

from steward.incidents.services import incident_create
from tests.conftest import api_client_for, as_actor

READS = 1_000
WARM = 50  # first reads fill the bounded caches (stamps, compiled statements, templates)
# Measured per read after the warm-up: a few bytes (allocator noise, an interned string);
# a kept request, response, queryset or query-log entry costs hundreds to thousands.
BOUND_BYTES_PER_READ = 64


def _reader(handler: WSGIHandler, path: str, **headers: str) -> Callable[[], None]:
    environ = dict(RequestFactory(HTTP_HOST="localhost").get(path, **headers).environ)
    statuses: list[str] = []

    def start_response(status: str, _headers: list, _exc: object = None) -> None:
        statuses.append(status)

    def read() -> None:
        response = handler({**environ, "wsgi.input": io.BytesIO(b"")}, start_response)
        b"".join(response)
        response.close()  # what gunicorn does: request_finished, connections returned
        assert statuses.pop() == "200 OK"

    return read


def _growth_per_read(read: Callable[[], None]) -> float:
    # The test's transaction must outlive each request: a request's start and end would close
    # the connection (as the test client also prevents, but once here, not per request).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for _ in range(WARM):
            read()
        gc.collect()
        tracemalloc.start(1)
        try:
            # CPython's method cache keeps the attribute names it last looked up (Django's
            # compiler builds "as_" + vendor anew for each node): up to 4,096 small strings,
            # bounded, filled over the first thousands of reads. Emptied before both readings,
            # so the measurement sees what the reads themselves keep.
            sys._clear_type_cache()
            gc.collect()
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(READS):
                read()
            sys._clear_type_cache()
            gc.collect()
            after = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return (after - before) / READS


@pytest.fixture
def readers(agent_user, settings) -> dict[str, Callable[[], None]]:
    settings.ALLOWED_HOSTS = ["localhost"]
    number = incident_create(as_actor(agent_user), title="Printer on floor 3 jams").number
    token = api_client_for(agent_user, scopes=("read",)).token
    handler = WSGIHandler()
    return {
        "api": _reader(
            handler, f"/api/v1/incidents/{number}", HTTP_AUTHORIZATION=f"Bearer {token}"
        ),
    }


# The web page is not read here: 1,000 renders under tracemalloc took 3 minutes in CI, and at
# 300 the bounded caches of the sqlite3 module (its cursor list, cleaned every 200 cursors)
# still weighed about 60 bytes a read, the bound itself. The API detail runs the same
# authentication, middleware, selector and connection handling.
@pytest.mark.parametrize("kind", ["api"])
def test_a_read_leaves_no_memory_behind(readers, kind):
    growth = _growth_per_read(readers[kind])
    assert growth < BOUND_BYTES_PER_READ, f"{kind}: {growth:.0f} bytes kept per read"
