"""The demo's figures look like a service desk's: a critical incident is acknowledged and
resolved sooner than a low one (the demo's time to resolve was about 61 hours at every
priority), some incidents are resolved without ever being acknowledged, and more than one
catalogue request was fulfilled, over hours, not in the second it was ordered."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

from django.core.management import call_command
from django.utils import timezone

from steward.core.management.commands import demo as command
from steward.core.models import User
from steward.reports import selectors
from tests.conftest import as_actor

# what the figures are made from: the command's people and teams, the incidents and the
# catalogue (the other apps' demos are loaded by the journeys in every run)
NEEDED = {"steward.incidents.demo", "steward.catalog.demo"}


def _only_what_the_figures_need(name: str):
    if name not in NEEDED:
        raise ModuleNotFoundError(name)  # what the command skips: an app without a demo
    return importlib.import_module(name)


def test_the_demo_times_depend_on_priority_and_requests_were_fulfilled(db, monkeypatch):
    monkeypatch.setattr(
        command, "importlib", SimpleNamespace(import_module=_only_what_the_figures_need)
    )
    call_command("demo", requesters=5, incidents=600, verbosity=0)
    admin = as_actor(User.objects.get(username="admin"))
    end = timezone.localdate()
    start = end - dt.timedelta(days=200)  # the demo's six months of history

    table = selectors.report_get(admin, name="resolution-time", start=start, end=end)
    rows = [r for r in table.rows if r["resolved"]]
    assert len(rows) >= 4, table.rows
    for key in ("ack_mean_hours", "mean_hours", "median_hours"):
        figures = [r[key] for r in rows]
        # sooner the more urgent, and far apart: not one figure at every priority
        assert figures == sorted(set(figures)), (key, figures)
        assert figures[-1] > 5 * figures[0], (key, figures)
    critical = rows[0]
    assert critical["priority"].startswith("1")
    assert critical["ack_mean_hours"] < 0.5  # minutes, not hours
    assert critical["not_acknowledged"] == 0
    assert sum(r["not_acknowledged"] for r in rows) > 0  # first-contact fixes, counted

    # the default period, as the IT manager first sees it
    [fulfilled] = selectors.report_get(admin, name="requests").rows
    assert fulfilled["fulfilled"] >= 2
    assert fulfilled["median_hours"] >= 1
