"""Steps every journey shares: signing in as a demo person, moving through the navigation,
and the guides' screenshots (docs/guides). A journey for a new page reuses these and adds its
own steps in its role's file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import expect

from tests.journeys.watch import check_page

PASSWORD = "steward-demo"  # every demo login (steward demo)
GUIDES = Path(__file__).resolve().parents[2] / "docs" / "guides" / "img"
SCREENSHOTS = os.environ.get("STEWARD_GUIDE_SCREENSHOTS", "").lower() in {"1", "true", "yes"}


def sign_in(page, username: str) -> None:
    """Open the site, sign in on the form, land on the home page (the only address typed)."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    # a person acts once the page has loaded; acting earlier races htmx's setup
    page.wait_for_load_state("load")


def open_module(page, label: str) -> None:
    """Click a module in the navigation and wait for its page."""
    page.get_by_role("navigation", name="Modules").get_by_role("link", name=label).click()
    page.wait_for_load_state("load")


def heading(page, text: str | re.Pattern) -> None:
    """The page's title, on a page ready for a person: its heading is drawn before its
    deferred scripts have run, and a filter changed then went unheard by htmx (the lead's
    priority, stop 38's CI on PostgreSQL)."""
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    page.wait_for_load_state("load")


def no_error_on_page(page) -> None:
    """No page rendered inside a table and no error message on a filter or form."""
    expect(page.locator("main h1")).to_have_count(1)
    expect(page.locator(".error:not(:empty)")).to_have_count(0)


# Django's default rendering ("Dec. 3, 2026, 9:13 a.m.") and raw ISO values are not the
# product's style ("3 Dec 2026 09:13", in the reader's zone): the defect of four date styles
FOREIGN_DATES = re.compile(r"\b[A-Z][a-z]{2}\. \d|\b[ap]\.m\.|\d{4}-\d\d-\d\dT\d\d:")


def dates_in_house_style(page) -> None:
    """Every date on the page reads the same way."""
    shown = page.locator("main time").all_inner_texts()
    assert shown, "no date on the page"
    foreign = [text for text in shown if FOREIGN_DATES.search(text)]
    assert not foreign, f"dates not in the house style: {foreign}"


# Installed on every page before its own scripts (the page fixture, conftest.py): whether
# htmx is busy. It marks its work (htmx 2, django_htmx's copy): ``htmx-request`` on the
# element (or its hx-indicator) from the request's start until its answer is swapped in,
# then ``htmx-swapping`` on the target until the swap, ``htmx-settling`` until it settles.
# Before that, a trigger with a ``delay:`` (the search box, the pickers) marks nothing while
# it waits, so a person's input that no ``htmx:trigger`` has answered yet counts as busy
# for the page's longest delay and a margin (an input htmx does not listen to: that long).
HTMX_WATCH = """(() => {
    let inputs = 0, answered = 0, last = 0;
    const input = () => { inputs += 1; last = performance.now(); };
    for (const type of ["input", "change", "search"]) {
        document.addEventListener(type, input, true);
    }
    document.addEventListener("htmx:trigger", () => { answered = inputs; }, true);
    window.stewardHtmxIdle = () => {
        if (document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")) {
            return false;
        }
        if (answered >= inputs) {
            return true;
        }
        let longest = 0;
        for (const element of document.querySelectorAll("[hx-trigger*='delay:']")) {
            for (const [, amount, unit] of element.getAttribute("hx-trigger")
                .matchAll(/delay:(\\d+)(ms|s)/g)) {
                longest = Math.max(longest, Number(amount) * (unit === "s" ? 1000 : 1));
            }
        }
        return performance.now() - last > longest + 250;
    };
})()"""


def swapped(page) -> None:
    """After an htmx swap: wait until htmx has nothing scheduled, in flight or settling
    (HTMX_WATCH), then check what it brought in with axe-core. Waiting for the network alone
    returned at once when the page had been idle before the request began, and the journey
    then read the rows the swap was about to replace."""
    page.wait_for_function("() => !window.stewardHtmxIdle || window.stewardHtmxIdle()")
    page.wait_for_load_state("networkidle")
    check_page(page)


def shot(page, role: str, name: str) -> None:
    """A screenshot for the role's guide (docs/guides/<role>.md), when asked for with
    STEWARD_GUIDE_SCREENSHOTS=1; the viewport only, so the images stay small."""
    if not SCREENSHOTS:
        return
    GUIDES.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("networkidle")
    path = GUIDES / f"{role}-{name}.png"
    page.screenshot(path=path, animations="disabled", caret="hide")
    _compress(path)


def _compress(path: Path) -> None:
    """Down to a 64-colour palette with pngquant when it is installed (Debian: apt install
    pngquant): a page of flat colours and text loses nothing a reader sees and the file a
    third to a quarter of Chromium's. Without it the image stays as taken."""
    quant = shutil.which("pngquant")
    if quant:
        subprocess.run(  # noqa: S603 - our own file, a fixed command
            [quant, "--force", "--skip-if-larger", "--strip", "--ext", ".png", "64", str(path)],
            check=False,
        )


def pick(
    page, box, typed: str, option: str | re.Pattern, *, guide: tuple[str, str] | None = None
) -> None:
    """Type into a picker by name and choose a suggestion with the keyboard, as a person
    does: arrow down to the option that reads ``option``, Enter. ``guide`` (role, name):
    a screenshot with the suggestions open."""
    box.fill("")
    box.press_sequentially(typed)
    options = page.get_by_role("listbox").filter(visible=True).get_by_role("option")
    expect(options.filter(has_text=option)).not_to_have_count(0)
    swapped(page)  # the suggestions pass axe-core too
    if guide:
        shot(page, *guide)
    names = options.all_inner_texts()
    matches = option.search if isinstance(option, re.Pattern) else (lambda text: option in text)
    for _ in range(1 + next(i for i, text in enumerate(names) if matches(text))):
        box.press("ArrowDown")
    box.press("Enter")


def drop_file(page, target, name: str, text: str) -> None:
    """Drag a text file from the desktop and drop it on ``target``, as a person does: the
    browser's drag events with the file in their ``dataTransfer``."""
    transfer = page.evaluate_handle(
        """([name, text]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], name, {type: "text/plain"}));
            return transfer;
        }""",
        [name, text],
    )
    for event in ("dragenter", "dragover", "drop"):
        target.dispatch_event(event, {"dataTransfer": transfer})


def slow_network(page, latency_ms: int) -> None:
    """Every answer ``latency_ms`` late from now on (0: as fast as the server), as on a slow
    VPN: a person keeps typing while an htmx answer is on its way (Chromium's own throttle,
    no request changed)."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency_ms, "downloadThroughput": -1, "uploadThroughput": -1},
    )
