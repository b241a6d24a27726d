"""Controls on the journeys' pages that no journey exercises, each with the reason in one line
(tests/journeys/controls.py; docs/journeys.md, "The control audit"). Keys are the report's
(page, control) as printed in build/journey-controls.md. Keep this list short and honest: a
control belongs here only when driving it in a browser would show nothing a journey can
assert, or it is exercised where the audit cannot see it."""

from __future__ import annotations

WAIVED: dict[tuple[str, str], str] = {}
