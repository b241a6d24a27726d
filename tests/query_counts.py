"""Query-count helpers for list tests: read a list with a few rows and with more, and
compare the number of queries (it must not grow with the rows)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries(read: Callable) -> int:
    """How many queries one successful read (a 200, streamed responses consumed) takes."""
    with CaptureQueriesContext(connection) as captured:
        response = read()
        assert response.status_code == 200, response.content[:300]
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    return len(captured)


def grows(add: Callable, read: Callable, first: int = 2, then: int = 6) -> tuple[int, int]:
    """(queries with ``first`` rows, queries after ``then`` more rows were added)."""
    for _ in range(first):
        add()
    queries(read)  # warm: the first read of a session fills caches (token use, classes)
    few = queries(read)
    for _ in range(then):
        add()
    queries(read)  # warm again: adding users or teams moves the stamp their caches are under
    return few, queries(read)


def counter() -> Callable[[], int]:
    """1, 2, 3, … for unique names."""
    n = iter(range(1, 10_000))
    return lambda: next(n)
