"""The demo: the whole demo command loads changes in every state, with conflicts and a
change inside the freeze window."""

from __future__ import annotations

from django.core.management import call_command

from steward.changes import selectors
from steward.changes.models import Change, ChangeApproval, ChangeTemplate, FreezeWindow
from steward.core.actor import Actor


def test_demo_loads_changes_in_many_states(db):
    # the changes do not depend on the incident count: 100 instead of 3,000 keeps the test quick
    call_command("demo", requesters=5, incidents=100, verbosity=0)

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
