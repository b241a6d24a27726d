"""Task results: none are kept. No caller reads a job's return value, so ``settings.HUEY``
says ``results: False``; result rows stored before that are dropped when a worker starts."""

from __future__ import annotations

import re

from huey import Huey
from huey.contrib.djhuey import HUEY

# huey stores a result under the task's id; locks and other keys share the store and stay.
_TASK_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def prune_stored_results(huey: Huey = HUEY) -> int:
    """Delete every stored task result; return how many there were."""
    storage = huey.storage
    stale = [
        key
        for key in storage.result_items()
        if _TASK_ID.fullmatch(key.decode() if isinstance(key, bytes) else str(key))
    ]
    for key in stale:
        storage.pop_data(key)
    return len(stale)


def register() -> None:
    HUEY.on_startup("prune-stored-results")(prune_stored_results)
