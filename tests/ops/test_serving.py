"""``steward serve``'s worker hook: every route imported, the start-up objects frozen out of
the garbage collector's walks (a full collection of them was the slowest request)."""

import gc
import sys

from steward.serving import warm_and_freeze


def test_the_hook_imports_the_routes_and_freezes_what_is_alive():
    gc.unfreeze()
    alive = [object()]  # a container the collector tracks, alive before the hook runs
    try:
        frozen = warm_and_freeze()
        assert "steward.incidents.api" in sys.modules
        # frozen: out of every generation the collector walks (the permanent generation is
        # not listed). Comparing the returned count with gc.get_freeze_count() afterwards
        # raced with the xdist worker's own threads freeing a frozen object in between.
        assert not any(o is alive for o in gc.get_objects())
        assert frozen > 10_000  # Django, ninja and Steward's modules, at least
    finally:
        gc.unfreeze()  # this test process goes on collecting as before


class _Server:
    def __init__(self, preload_app: bool) -> None:
        self.cfg = type("Config", (), {"preload_app": preload_app})()


def test_a_preloading_master_warms_freezes_and_closes_its_connections(monkeypatch):
    from django.db import connections

    from steward.serving import when_ready

    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    gc.unfreeze()
    try:
        when_ready(_Server(preload_app=False))  # as shipped: each worker does it, not the master
        assert (gc.get_freeze_count(), closed) == (0, [])
        when_ready(_Server(preload_app=True))
        assert gc.get_freeze_count() > 10_000
        assert closed == [True]  # no database connection is inherited by the forked workers
    finally:
        gc.unfreeze()
