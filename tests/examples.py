"""How many examples a property test draws: fewer in `make test`, every one of them in
`make test-deep` (docs/testing.md, "Example counts").

A test whose count is lowered here says both numbers at its ``@settings`` and carries the
``deep`` marker, so `make test-deep` (``STEWARD_TEST_DEEP=1 pytest -m deep``) runs exactly
those, at the count they were written with. Lower a count only where the quick one still
draws every kind of case the strategy has (each branch of a ``one_of``, each attribute type)
many times over: the deep run is for the rare corners, `make test` for every change."""

from __future__ import annotations

import os

DEEP = os.environ.get("STEWARD_TEST_DEEP", "").lower() in {"1", "true", "yes"}


def examples(quick: int, deep: int) -> int:
    """``deep`` under `make test-deep`, ``quick`` otherwise."""
    return deep if DEEP else quick
