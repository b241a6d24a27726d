"""The demo: the demo command loads changes in every state, with conflicts and a change
inside the freeze window."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.core.management import call_command

from steward.changes import selectors
from steward.changes.models import Change, ChangeApproval, ChangeTemplate, FreezeWindow
from steward.core.actor import Actor
from steward.core.management.commands import demo as command

# what the changes are made from: the command's people and teams, and the CMDB's estate. The
# other apps' demos (assets, software, incidents, …) were two thirds of this test's load and
# nothing the changes read; the whole command is loaded by the journeys in every run
# (tests/journeys/conftest.py), and each app's demo has its own test.
CHANGES_NEED = {"steward.cmdb.demo", "steward.changes.demo"}


def _only_what_the_changes_need(name: str):
    if name not in CHANGES_NEED:
        raise ModuleNotFoundError(name)  # what the command skips: an app without a demo
    return importlib.import_module(name)


def test_demo_loads_changes_in_many_states(db, monkeypatch):
    # the command's own name only, not importlib itself (everything else imports as usual)
    monkeypatch.setattr(
        command, "importlib", SimpleNamespace(import_module=_only_what_the_changes_need)
    )
    call_command("demo", requesters=5, verbosity=0)

    changes = Change.objects.all()
    assert changes.count() >= 50
    assert ChangeTemplate.objects.count() == 4
    states = set(changes.values_list("status", flat=True))
    assert {"draft", "assessment", "authorization", "scheduled", "closed"} <= states
    assert {"pending", "approved"} <= set(ChangeApproval.objects.values_list("state", flat=True))
    assert changes.filter(
        planned_start__lt=changes.model.objects.order_by("-planned_start").values("planned_start")[
            :1
        ]
    ).exists()
    freeze = FreezeWindow.objects.get(slug="quarter-end")
    inside = changes.get(title__contains="during the freeze")
    assert inside.schedule_override_reason
    assert freeze.starts_at <= inside.planned_start < freeze.ends_at
    overlap = changes.get(title__startswith="Demo overlap 2")
    assert selectors.change_conflicts(Actor.system("t"), overlap).changes
