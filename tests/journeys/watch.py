"""What every journey checks without saying so: each page the browser loads passes axe-core
(no critical or serious violation), and no response is an error the person would meet.

The check hangs on the page's ``load`` event, so a journey cannot forget it and a page
reached by a click is checked like one reached by ``goto``. Content that htmx swaps in later
(a filtered table, a re-rendered form) is checked where the journey calls ``check_page``.

Each page also inventories its controls and reports every control the journey acts on
(tests/journeys/controls.py): the session fails on a control no journey exercised.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.browser.accessibility import describe, violations
from tests.journeys import controls

# The page as axe-core judges it: its markup, with what differs between two renders of the
# same page and cannot change axe's answer taken out (the CSRF token, in forms and in htmx's
# headers; numbers: counts, dates,
# record numbers, ids). Two visits with the same fingerprint get the same findings, so the
# second is not checked again (axe costs about half a journey's time: 0.6 s a page).
FINGERPRINT = """() => {
    const copy = document.documentElement.cloneNode(true);
    for (const token of copy.querySelectorAll("input[name=csrfmiddlewaretoken]")) {
        token.removeAttribute("value");
    }
    for (const holder of copy.querySelectorAll("[hx-headers]")) {
        holder.removeAttribute("hx-headers");
    }
    return copy.outerHTML.replace(/[0-9]+/g, "0");
}"""
_judged: set[str] = set()  # fingerprints axe found nothing on, in this test process


# 422 is how a form says "not like this" (the page shows why); anything else 4xx/5xx is a
# defect the person would see: a 404 link, a 403 on an offered button, a 405 after a reload.
EXPECTED_REFUSAL = 422


@contextlib.contextmanager
def watch(page) -> Iterator:
    page.axe_checked = set()  # the URLs already checked in this test: each is checked once
    page.axe_findings = []
    page.bad_responses = []
    page.axe_busy = False

    def on_load(_page) -> None:
        check_page(page, once=True)

    def on_response(response) -> None:
        same_site = urlsplit(response.url).netloc == urlsplit(page.url or response.url).netloc
        if same_site and response.status >= 400 and response.status != EXPECTED_REFUSAL:
            page.bad_responses.append(f"{response.status} {response.request.method} {response.url}")

    controls.install(page)
    page.on("load", on_load)
    page.on("response", on_response)
    yield page
    page.remove_listener("load", on_load)
    page.remove_listener("response", on_response)
    problems = []
    if page.axe_findings:
        problems.append(
            "axe-core found critical or serious violations:\n" + "\n".join(page.axe_findings)
        )
    if page.bad_responses:
        problems.append("error responses:\n" + "\n".join(page.bad_responses))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def check_page(page, *, once: bool = False) -> None:
    """Run axe-core on the page as it is now; findings fail the test at its end (all of them,
    not only the first page's)."""
    url = page.url
    if once and url in page.axe_checked:
        return
    # the load handler and the journey's own check can overlap (Playwright runs handlers
    # while the journey waits); axe refuses a second run on a page, so take turns
    while page.axe_busy:
        if once:
            return
        page.wait_for_timeout(50)
    page.axe_checked.add(url)
    page.axe_busy = True
    try:
        fingerprint = hashlib.sha256(page.evaluate(FINGERPRINT).encode()).hexdigest()
        if fingerprint in _judged:
            return
        found = violations(page)
    except Exception as error:  # noqa: BLE001 - the page navigated away while axe ran
        if "Execution context was destroyed" in str(error) or "navigat" in str(error):
            page.axe_checked.discard(url)  # checked when the journey comes back to it
            return
        raise
    finally:
        page.axe_busy = False
    if found:
        page.axe_findings.append(f"{url}\n{describe(found)}")
    else:
        _judged.add(fingerprint)
