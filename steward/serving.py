"""gunicorn's hooks for ``steward serve`` (passed as ``--config python:steward.serving``).

After a worker has loaded the application it imports every route (Django resolves the URL
configuration lazily, at the first request) and moves every object then alive out of the
garbage collector's reach (``gc.freeze``): they live as long as the worker, and a full
collection no longer walks them. Measured in process on the busy bench machine, a full
collection of the ~170,000 start-up objects took 740 ms, the slowest request of 1,500; after
the freeze the slowest took 131 ms (docs/benchmarks.md, "The tail").
"""

from __future__ import annotations

import gc


def warm_and_freeze() -> int:
    """Import every view, collect once, freeze what is left; returns the frozen count."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the routers and their schemas
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def post_worker_init(worker: object) -> None:
    warm_and_freeze()


def when_ready(server: object) -> None:
    """With ``--preload`` (an operator's option, docs/decisions/0037) the master has loaded the
    application: import the routes and freeze there, before the workers are forked, so they
    share those pages instead of each building its own; no connection crosses the fork."""
    if getattr(getattr(server, "cfg", None), "preload_app", False):
        from django.db import connections

        warm_and_freeze()
        connections.close_all()
