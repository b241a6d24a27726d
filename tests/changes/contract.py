"""The changes API in the contract registry: changes, standard-change templates, freeze
windows and approval delegations; how to make each for an owner, and how each list filter
selects one record and not another. ``tests/contract/registry.py`` imports them into
``RESOURCES``; the contract tests run them from there.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from steward.changes import services as change_services
from steward.changes.models import Change, ChangeCI, ChangeTemplate, Delegation, FreezeWindow
from steward.core.actor import Actor
from steward.core.models import User
from tests import factories
from tests.cmdb.contract import make_ci
from tests.contract.registry import (
    AGENTS_READ,
    ORG_SCOPED,
    OWN_ONLY,
    ROLES,
    Resource,
    _set,
    new_tag,
)


def make_change(owner: User, tag: str) -> Change:
    """A normal change ``owner`` requested (so it carries the owner's organisation)."""
    return change_services.change_create(
        Actor.system("contract"),
        title=f"Change {tag}",
        description=f"Described {tag}",
        requester=owner.username,
    )


FAR = dt.datetime(2030, 6, 1, 20, tzinfo=dt.UTC)


def _change_other_cancelled(match: Change, other: Change) -> str:
    _set(other, status="cancelled")
    return "draft"


def _change_emergency(match: Change, other: Change) -> str:
    _set(match, type="emergency")
    return "emergency"


def _change_high_risk(match: Change, other: Change) -> str:
    _set(match, risk_level="high")
    return "high"


def _change_of_team(match: Change, other: Change) -> str:
    team = factories.TeamFactory(name=f"Change team {new_tag()}")
    _set(match, team=team)
    return team.slug


def _change_on_ci(match: Change, other: Change) -> str:
    ci = make_ci(None, new_tag())
    ChangeCI.objects.create(change=match, ci=ci)
    return ci.number


def _change_of_new_requester(match: Change, other: Change) -> str:
    requester = factories.requester(username=f"chg-req-{new_tag()}")
    _set(match, requester=requester)
    return requester.username


def _change_planned_far(match: Change, other: Change) -> None:
    _set(match, planned_start=FAR, planned_end=FAR + dt.timedelta(hours=2))


def _change_planned_after(match: Change, other: Change) -> str:
    _change_planned_far(match, other)
    return "2030-06-01T00:00:00Z"


def _change_planned_before(match: Change, other: Change) -> str:
    _change_planned_far(match, other)
    return "2030-06-02T00:00:00Z"


CHANGES = Resource(
    name="changes",
    collection="/api/v1/changes",
    model=Change,
    key="number",
    make=make_change,
    visible={**ORG_SCOPED, "requester": {"requester"}},  # requesters see what they requested
    list_query_ceiling=10,
    writer="agent",
    create_payload=lambda tag: {
        "title": f"Upgrade firewall {tag}",
        "description": "Vendor patch for CVE-2026-0001.",
        "type": "normal",
    },
    patch_payload=lambda tag: {"title": f"Patched {tag}", "description": f"More {tag}"},
    illegal_patch=("agent", {"status": "closed"}),
    absent_key="CHG9999999",
    filters={
        "q": lambda match, other: match.title.split()[-1],
        "status": _change_other_cancelled,
        "type": _change_emergency,
        "risk": _change_high_risk,
        "team": _change_of_team,
        "ci": _change_on_ci,
        "requester": _change_of_new_requester,
        "planned_after": _change_planned_after,
        "planned_before": _change_planned_before,
    },
)


def make_template(owner: User | None, tag: str) -> ChangeTemplate:
    return change_services.template_create(
        Actor.system("contract"), name=f"Template {tag}", slug=f"tpl-{tag}"
    )


def _other_template_inactive(match: ChangeTemplate, other: ChangeTemplate) -> str:
    _set(other, is_active=False)
    return "true"


CHANGE_TEMPLATES = Resource(
    name="change-templates",
    collection="/api/v1/change-templates",
    model=ChangeTemplate,
    key="slug",
    make=make_template,
    visible=AGENTS_READ,
    list_query_ceiling=8,
    create_payload=lambda tag: {
        "name": f"Restart app pool {tag}",
        "slug": f"new-tpl-{tag}",
        "implementation_plan": "Recycle the pool.",
    },
    patch_payload=lambda tag: {"description": f"Patched {tag}"},
    filters={"q": lambda match, other: match.name, "is_active": _other_template_inactive},
)


def make_freeze(owner: User | None, tag: str) -> FreezeWindow:
    """A freeze on a CI of the owner's organisation (of none for an unrestricted owner)."""
    return change_services.freeze_create(
        Actor.system("contract"),
        name=f"Freeze {tag}",
        slug=f"frz-{tag}",
        ci=make_ci(owner, tag).number,
        starts_at=FAR,
        ends_at=FAR + dt.timedelta(days=1),
    )


def _freeze_other_later(match: FreezeWindow, other: FreezeWindow) -> str:
    _set(other, starts_at=FAR + dt.timedelta(days=5), ends_at=FAR + dt.timedelta(days=6))
    return "2030-06-01T22:00:00Z"


FREEZE_WINDOWS = Resource(
    name="freeze-windows",
    collection="/api/v1/freeze-windows",
    model=FreezeWindow,
    key="slug",
    make=make_freeze,
    visible=ORG_SCOPED,  # global windows for every agent, a CI's for those who see the CI
    list_query_ceiling=8,
    create_payload=lambda tag: {
        "name": f"Quarter close {tag}",
        "slug": f"new-frz-{tag}",
        "reason": "Finance closes the books.",
        "starts_at": "2030-03-28T00:00:00Z",
        "ends_at": "2030-04-02T00:00:00Z",
    },
    patch_payload=lambda tag: {"reason": f"Patched {tag}"},
    filters={
        "q": lambda match, other: match.name,
        "ci": lambda match, other: match.ci.number,
        "active_at": _freeze_other_later,
    },
)


def make_delegation(owner: User, tag: str) -> Delegation:
    today = timezone.localdate()
    return Delegation.objects.create(
        user=owner,
        delegate=factories.agent(username=f"dlg-{tag}"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=3),
    )


APPROVAL_DELEGATIONS = Resource(
    name="approval-delegations",
    collection="/api/v1/approval-delegations",
    model=Delegation,
    key="id",
    make=make_delegation,
    visible={**OWN_ONLY, "admin": set(ROLES)},  # one's own (given or received); admins all
    list_query_ceiling=6,
    writer="agent",
    create_payload=lambda tag: {
        "delegate": factories.agent(username=f"new-dlg-{tag}").username,
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    },
    detail=False,
    delete=True,
    versioned=False,
    absent_key="987654321",
)
