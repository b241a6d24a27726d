"""The job queue keeps no task results: nothing reads them, so they would only pile up."""

from __future__ import annotations

from django.conf import settings
from huey import SqliteHuey
from huey.contrib.djhuey import HUEY

from steward.core import task_results


def _queue(tmp_path) -> SqliteHuey:
    """A SQLite queue configured as ``settings.HUEY`` says, in a file of its own."""
    config = {k: v for k, v in settings.HUEY.items() if k not in {"huey_class", "consumer", "url"}}
    config.pop("name")
    config["filename"] = str(tmp_path / "huey.sqlite3")
    config["immediate"] = False
    return SqliteHuey("steward-test", **config)


def test_a_task_that_ran_leaves_no_result_row(tmp_path):
    queue = _queue(tmp_path)

    @queue.task()
    def count() -> int:
        return 3

    count()
    assert queue.execute(queue.dequeue()) == 3
    assert queue.result_count() == 0


def test_the_configured_queue_stores_no_results():
    assert settings.HUEY["results"] is False
    assert HUEY.results is False


def test_result_rows_from_before_are_pruned_and_locks_kept(tmp_path):
    queue = SqliteHuey("steward-test", filename=str(tmp_path / "old.sqlite3"), results=True)

    @queue.task()
    def count() -> int:
        return 3

    for _ in range(4):
        count()
        queue.execute(queue.dequeue())
    queue.storage.put_if_empty("steward-test.lock.outbox-sweep", b"1")
    assert queue.result_count() == 5

    assert task_results.prune_stored_results(queue) == 4
    assert list(queue.storage.result_items()) == ["steward-test.lock.outbox-sweep"]


def test_workers_prune_old_results_when_they_start():
    assert HUEY._startup["prune-stored-results"] is task_results.prune_stored_results
