"""The control audit: every form, field, button, acting link (sort, pager, filter, tab, saved
view) and htmx trigger on the pages the journeys visit is exercised by some journey, or is
waived with a reason (``controls_waived.py``).

Each page the browser loads is inventoried by ``controls.js`` once it has loaded and again
after every htmx swap; the same script reports every control a journey acts on, whatever Playwright
call it used (a capture-phase listener for click, input, change, Enter/Space and submit). A
page is its Django URL name (``/incidents/INC0001/`` and ``/incidents/INC0002/`` are one
page), a control its kind, name and form (digits read ``#``, so a row's "Take" is one control
however many rows there are); the top bar (``(every page)``) is one page for all.

At the end of the session the report goes to ``build/journey-controls.json`` and ``.md``;
when the whole journey directory ran (no ``-k``, ``-m``, test ids or deselected journeys),
a control never exercised, not waived and not in ``controls_backlog.txt`` fails the session.
Under pytest-xdist each worker
sends its part to the controller (``workeroutput``), which merges and judges.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRIPT = HERE / "controls.js"
REPORT = ROOT / "build" / "journey-controls"
EVERY_PAGE = "(every page)"
KEY = "journey_controls"

# this process's findings: page -> control -> the first test that saw / exercised it
INVENTORY: dict[str, dict[str, str]] = defaultdict(dict)
EXERCISED: dict[str, dict[str, str]] = defaultdict(dict)
_STATE = {"whole": False, "journeys": 0, "deselected": 0}
_PARTS: list[dict] = []  # the workers' findings, on the controller


def install(page) -> None:
    """Before the first navigation: the script in every document, the binding it reports to."""
    page.add_init_script(path=str(SCRIPT))
    page.expose_binding("__stewardControlUsed", _used)


def _used(_source, payload: dict) -> None:
    """The page's report: its inventory (after a load or an htmx swap) or a control used."""
    # Controls are named by what they say, so the audit reads the pages in English; a page
    # read in another language (the language journey) holds the same controls under other
    # names, judged where the page is read in English.
    if payload.get("lang", "en") != "en":
        return
    test = _current_test()
    for control in payload.get("inventory", []):
        INVENTORY[_page_of(control, payload["page"])].setdefault(identity(control), test)
    for control in payload.get("used", []):
        page, name = _page_of(control, payload["page"]), identity(control)
        EXERCISED[page].setdefault(name, test)
        INVENTORY[page].setdefault(name, test)  # shown after the last inventory: still there


def _current_test() -> str:
    return os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]


_NAMES: dict[str, str] = {}


def page_name(path: str) -> str:
    """The Django URL name of a path (``incidents:detail``), else the path, digits as ``#``."""
    if path not in _NAMES:
        from django.urls import Resolver404, resolve

        try:
            _NAMES[path] = resolve(path).view_name
        except Resolver404:
            _NAMES[path] = _digits(path)
    return _NAMES[path]


def _digits(text: str) -> str:
    return re.sub(r"\d+", "#", text or "")


def _page_of(control: dict, path: str) -> str:
    return EVERY_PAGE if control.get("scope") == "layout" else page_name(path)


def _form(form: dict | None) -> str:
    if not form:
        return "no form"
    return f"{form['method'].upper()} {page_name(form['path'])}"


def identity(control: dict) -> str:
    """How the report and the waivers name a control."""
    kind, name = control["kind"], _digits(control.get("name", ""))
    hx = control.get("hx")
    via = f" -> {hx['method'].upper()} {page_name(hx['path'])}" if hx else ""
    if kind == "form":
        return f"form {_form(control['form'])}"
    if kind == "field":
        return f"field {name} [{control['type']}] in {_form(control.get('form'))}"
    if kind == "button":
        return f'button "{name}" in {_form(control.get("form"))}'
    if kind == "link":
        return f'link "{name}" ?{",".join(control.get("keys", []))}{via}'
    return f'{control.get("tag", "element")} "{name}"{via}'


# -- the session: which journeys ran, the workers' parts, the verdict ----------------------


def _is_journey(item) -> bool:
    return Path(str(item.path)).resolve().parent == HERE


def collection_finished(session) -> None:
    """Whether this run is the whole journey directory: every journey file collected, nothing
    chosen by keyword, marker or test id, and no journey deselected."""
    config = session.config
    journeys = [item for item in session.items if _is_journey(item)]
    files = {Path(str(item.path)).resolve() for item in journeys}
    on_disk = set(HERE.glob("test_*.py"))
    chosen = any("::" in str(arg) for arg in config.args)
    _STATE["journeys"] = len(journeys)
    _STATE["whole"] = bool(
        journeys
        and files == on_disk
        and not chosen
        and not config.option.keyword
        and not config.option.markexpr
        and not _STATE["deselected"]
    )


def deselected(items) -> None:
    _STATE["deselected"] += sum(1 for item in items if _is_journey(item))


def _mine() -> dict:
    return {
        "whole": _STATE["whole"],
        "journeys": _STATE["journeys"],
        "inventory": dict(INVENTORY),
        "exercised": dict(EXERCISED),
    }


def worker_finished(config) -> None:
    """On an xdist worker: hand this worker's part to the controller."""
    if _STATE["journeys"]:
        config.workeroutput[KEY] = json.dumps(_mine())


def node_down(node) -> None:
    """On the controller: keep a worker's part."""
    part = getattr(node, "workeroutput", {}).get(KEY)
    if part:
        _PARTS.append(json.loads(part))


def judge(session) -> None:
    """Merge the parts, write the report, fail the session on an unexercised control."""
    config = session.config
    if hasattr(config, "workerinput"):
        return
    parts = _PARTS or ([_mine()] if _STATE["journeys"] else [])
    if not parts:
        return
    from tests.journeys.controls_waived import WAIVED

    backlog = read_backlog()
    seen: dict[str, dict[str, str]] = defaultdict(dict)
    used: dict[str, dict[str, str]] = defaultdict(dict)
    for part in parts:
        for merged, found in ((seen, part["inventory"]), (used, part["exercised"])):
            for page, controls in found.items():
                for name, test in controls.items():
                    merged[page].setdefault(name, test)
    rows = [
        _row(page, name, used[page].get(name), WAIVED, backlog, seen[page][name])
        for page in sorted(seen)
        for name in sorted(seen[page])
    ]
    listed = {(row["page"], row["control"]) for row in rows}
    # a waiver or backlog entry for a control now exercised, or one no page showed this time,
    # is listed for removal (the lists only shrink); it does not fail the run, so a backlog
    # written from a run with a failed journey stays usable
    done = sorted(key for key in [*WAIVED, *backlog] if key in listed and key[1] in used[key[0]])
    absent = sorted(key for key in [*WAIVED, *backlog] if key not in listed)
    whole = all(part["whole"] for part in parts)
    missing = [row for row in rows if row["state"] == "missing"]
    _write(rows, done, absent, whole)
    config._journey_controls = (rows, missing, done, absent, whole)  # noqa: SLF001 - summary
    if whole and missing:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _row(page, name, by, waived, backlog, first_seen) -> dict:
    if by:
        state = "exercised"
    elif (page, name) in waived:
        state, by = "waived", waived[(page, name)]
    elif (page, name) in backlog:
        state, by = "backlog", f"not yet driven; seen in {first_seen}"
    else:
        state, by = "missing", f"seen in {first_seen}"
    return {"page": page, "control": name, "state": state, "by": by}


BACKLOG = HERE / "controls_backlog.txt"


def read_backlog() -> set[tuple[str, str]]:
    """Controls known not to be driven yet (one ``page | control`` a line): reported apart,
    not failing, until a journey drives them; the list may only shrink."""
    if not BACKLOG.exists():
        return set()
    entries = set()
    for line in BACKLOG.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            page, _, name = line.partition(" | ")
            entries.add((page.strip(), name.strip()))
    return entries


def _write(rows: list[dict], done: list, absent: list, whole: bool) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    counts = {state: sum(1 for r in rows if r["state"] == state) for state in _STATES}
    data = {
        "whole_suite": whole,
        "counts": counts,
        "listed_but_exercised": done,
        "listed_but_not_seen": absent,
        "controls": rows,
    }
    REPORT.with_suffix(".json").write_text(json.dumps(data, indent=1))
    lines = [
        "# Journey controls",
        "",
        f"{len(rows)} controls on {len({r['page'] for r in rows})} pages: "
        + ", ".join(f"{n} {state}" for state, n in counts.items())
        + ("" if whole else " (a partial run: not judged)"),
        "",
        "| page | control | state | by |",
        "| --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r['page']} | `{r['control']}` | {r['state']} | {r['by'].replace('|', '/')} |"
        for r in sorted(rows, key=lambda r: (_STATES.index(r["state"]), r["page"], r["control"]))
    ]
    REPORT.with_suffix(".md").write_text("\n".join(lines) + "\n")


_STATES = ["missing", "backlog", "waived", "exercised"]


def summary(terminalreporter, config) -> None:
    verdict = getattr(config, "_journey_controls", None)
    if verdict is None:
        return
    rows, missing, done, absent, whole = verdict
    write = terminalreporter.write_line
    terminalreporter.section("journey controls")
    counts = {state: sum(1 for r in rows if r["state"] == state) for state in _STATES}
    write(
        f"{len(rows)} controls on the pages visited: "
        + ", ".join(f"{n} {state}" for state, n in counts.items())
        + f"; report: {REPORT.with_suffix('.md')}"
    )
    if not whole:
        write("(not the whole journey directory: reported, not judged)")
        return
    for row in missing:
        write(f"NOT EXERCISED  {row['page']} | {row['control']}  ({row['by']})", red=True)
    for page, name in done:
        write(f"EXERCISED NOW, drop its waiver or backlog line: {page} | {name}", yellow=True)
    for page, name in absent:
        write(f"(listed, not seen on any page this run: {page} | {name})")


def write_backlog() -> None:
    """``python -m tests.journeys.controls``: the backlog as the last report left it (the
    missing and backlog rows), for when a new page brings controls no journey drives yet."""
    rows = json.loads(REPORT.with_suffix(".json").read_text())["controls"]
    lines = sorted(f"{r['page']} | {r['control']}" for r in rows if r["state"] in _OPEN)
    header = [
        "# Controls on the journeys' pages no journey drives yet (tests/journeys/controls.py).",
        "# Not failing while listed; a journey that drives one must remove its line.",
    ]
    BACKLOG.write_text("\n".join(header + lines) + "\n")


_OPEN = {"missing", "backlog"}

if __name__ == "__main__":
    write_backlog()
