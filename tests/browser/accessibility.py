"""The accessibility check of the browser tests: axe-core on the page as the person sees it.

``assert_accessible(page)`` runs axe-core (the npm package pinned in package.json, installed
into node_modules/ by ``npm ci``; ``make test`` runs it) against the page's current state with
the WCAG 2.0/2.1/2.2 A and AA rules, and fails listing every critical or serious violation.

The site's Content-Security-Policy allows only scripts from its own origin, so axe is not
added as a ``<script>`` element (Playwright inlines it, and the policy refuses inline
scripts): its source is evaluated through the DevTools protocol, which the policy does not
govern. The page's own policy stays in force for everything else the test does.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVICES

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = ("critical", "serious")


@functools.cache
def axe_source() -> str:
    """axe.min.js; missing, the test fails in CI (STEWARD_REQUIRE_SERVICES) and skips elsewhere."""
    if not AXE.is_file():
        message = f"{AXE.relative_to(AXE.parents[2])} is missing: run `npm ci` (make test does)"
        if REQUIRE_SERVICES:
            pytest.fail(f"{message} (STEWARD_REQUIRE_SERVICES is set)", pytrace=False)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def violations(page, *, context: str | None = None) -> list[dict]:
    """axe-core's critical and serious violations on ``page`` (within ``context``, a CSS
    selector, if given), each with its id, impact, help text and the offending nodes."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """async ([context, tags]) => {
            const results = await axe.run(context ? document.querySelector(context) : document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations;
        }""",
        [context, TAGS],
    )
    return [v for v in result if v.get("impact") in BLOCKING]


def describe(found: list[dict]) -> str:
    """One line per violation (id, impact, help), then each offending node: its selector and
    what axe found wrong there (the contrast ratio and colours, the missing name...)."""
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(
                " > ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            checks = [c["message"] for key in ("any", "all", "none") for c in node.get(key, [])]
            lines.append(f"    {target}: {checks[0] if checks else ''}")
    return "\n".join(lines)


def assert_accessible(page, *, context: str | None = None) -> None:
    """Fail with every critical or serious axe-core violation on the page as it is now.

    Call it once the page shows what the test means to check (after ``expect`` has seen it):
    axe looks at the DOM at that moment, htmx swaps included.
    """
    found = violations(page, context=context)
    if found:
        pytest.fail(
            f"axe-core: {len(found)} critical or serious violation(s) on {page.url}\n"
            + describe(found),
            pytrace=False,
        )
