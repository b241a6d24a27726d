"""``steward serve``'s worker hook: every route imported, the start-up objects frozen out of
the garbage collector's walks (a full collection of them was the slowest request)."""

import gc
import sys

from steward.serving import warm_and_freeze


def test_the_hook_imports_the_routes_and_freezes_what_is_alive():
    gc.unfreeze()
    try:
        frozen = warm_and_freeze()
        assert "steward.incidents.api" in sys.modules
        assert frozen == gc.get_freeze_count()
        assert frozen > 10_000  # Django, ninja and Steward's modules, at least
    finally:
        gc.unfreeze()  # this test process goes on collecting as before
