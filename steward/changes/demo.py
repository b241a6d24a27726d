"""Demo changes: templates, a freeze window, and ~60 changes from four weeks back to five
weeks ahead on the demo CMDB, in every state, some conflicting and one inside the freeze.

Changes go through the services (so risk, approvals, audit and events are real); past
ones are then moved back in time with a direct update, which only demo data may do.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from steward.changes import services
from steward.changes.choices import ApprovalState, Status
from steward.changes.models import Change, ChangeCI
from steward.cmdb import selectors as cmdb_selectors
from steward.core.actor import Actor
from steward.core.errors import DomainError
from steward.core.models import Team, User

SYSTEM = Actor.system("demo")
TEMPLATES = [
    ("monthly-patching", "Monthly OS patching", "Install the vendor's monthly patches."),
    ("certificate-renewal", "TLS certificate renewal", "Replace an expiring certificate."),
    ("app-pool-restart", "Restart an application pool", "Recycle the IIS application pool."),
    ("firewall-rule", "Add a standard firewall rule", "Open a port from the approved list."),
]
PLANS = {
    "implementation_plan": "1. Announce in #ops\n2. Apply the change\n3. Watch the dashboards",
    "backout_plan": "Restore the pre-change snapshot; revert the config from git.",
    "test_plan": "Run the smoke tests; check the service's synthetic monitor is green.",
}
TITLES = [
    "Upgrade {ci} firmware",
    "Migrate {ci} to new storage",
    "Resize {ci} memory",
    "Rotate credentials on {ci}",
    "Apply vendor hotfix to {ci}",
    "Reconfigure load balancing for {ci}",
    "Move {ci} to the new VLAN",
    "Upgrade database engine on {ci}",
]
ANSWERS = [
    {"outage": "none", "tested": "yes", "backout": "easy"},
    {"outage": "partial", "tested": "similar", "backout": "easy"},
    {"outage": "full", "tested": "no", "backout": "hard", "users": "all"},
]


def _as(username: str) -> Actor:
    """A new actor (its own request id) for one of the demo's people, each read once (with
    the roles read for it) for the load (``load`` forgets them when it ends)."""
    user = _PEOPLE.get(username)
    if user is None:
        user = _PEOPLE[username] = User.objects.get(username=username)
    return Actor(user=user, channel="system")


_PEOPLE: dict[str, User] = {}  # username -> user, during one load


def load(rng: random.Random) -> int:
    """Load once (nothing when changes exist); returns how many changes were made."""
    _PEOPLE.clear()
    try:
        return _load(rng)
    finally:
        _PEOPLE.clear()


def _approve_all(change: Change, rng: random.Random, *, partly: bool = False) -> None:
    """Every approver in quorum decides (or only some, for a change still waiting)."""
    for approval in change.approvals.all():
        users = [u for u in approval.approvers.all() if u.pk != change.requester_id]
        wanted = approval.quorum - (1 if partly and approval.quorum > 1 else 0)
        if partly and approval.quorum == 1 and rng.random() < 0.5:
            wanted = 0
        for user in users[:wanted]:
            services.approval_decide(
                Actor(user=user, channel="web"),
                number=change.number,
                approval_id=approval.pk,
                decision="approve",
                comment=rng.choice(["", "Fine by me", "OK, watch the backups"]),
            )


def _move(actor: Actor, change: Change, status: str, **extra) -> Change:
    return services.change_update(
        actor, number=change.number, expected_version=None, changes={"status": status, **extra}
    )


def _backdate(change: Change, start: dt.datetime, hours: int) -> None:
    end = start + dt.timedelta(hours=hours)
    fields = {"planned_start": start, "planned_end": end}
    if change.actual_start:
        fields |= {"actual_start": start, "actual_end": end}
    if change.closed_at:
        fields["closed_at"] = end + dt.timedelta(days=1)
    Change.objects.filter(pk=change.pk).update(**fields)
    ChangeCI.objects.filter(change=change).update(planned_start=start, planned_end=end)


def _load(rng: random.Random) -> int:
    if Change.objects.exists() or not User.objects.filter(username="cm").exists():
        return 0
    for slug, name, description in TEMPLATES:
        services.template_create(SYSTEM, name=name, slug=slug, description=description, **PLANS)
    cis = list(
        cmdb_selectors.ci_visible(SYSTEM)
        .filter(status="live")
        .exclude(ci_class__slug="business_service")
        .order_by("id")[:60]
    )
    services_ = list(
        cmdb_selectors.ci_visible(SYSTEM).filter(ci_class__slug="business_service").order_by("id")
    )
    if not cis:
        return 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    freeze_start = (now + dt.timedelta(days=18)).replace(hour=0)
    services.freeze_create(
        SYSTEM,
        name="Quarter-end freeze",
        slug="quarter-end",
        reason="Finance closes the quarter: no changes to finance systems.",
        starts_at=freeze_start,
        ends_at=freeze_start + dt.timedelta(days=4),
        ci=services_[0].number if services_ else None,
    )
    teams = list(Team.objects.exclude(slug="cab").values_list("slug", flat=True))
    requesters = ["agent", "lead", "am"]
    made = 0
    for i in range(60):
        ci = cis[i % len(cis)]
        offset_days = rng.randint(-28, 35)
        start = (now + dt.timedelta(days=offset_days)).replace(hour=rng.choice([6, 20, 22]))
        hours = rng.choice([1, 2, 4])
        kind = rng.choices(["normal", "standard", "emergency"], [70, 22, 8])[0]
        actor = _as(rng.choice(requesters))
        fields = {
            "title": rng.choice(TITLES).format(ci=ci.name)[:200],
            "description": "Demo change.",
            "team": rng.choice(teams) if teams else None,
            "cis": [ci.number],
            "risk_answers": rng.choice(ANSWERS),
        }
        if kind == "standard":
            fields["template"] = rng.choice(TEMPLATES)[0]
            fields.pop("risk_answers")
        else:
            fields |= PLANS
            fields["type"] = kind
        future = max(start, now + dt.timedelta(hours=2))
        try:
            change = services.change_create(
                actor,
                planned_start=future,
                planned_end=future + dt.timedelta(hours=hours),
                **fields,
            )
            made += 1
            _walk(actor, change, rng, past=offset_days < 0, index=i)
        except DomainError:
            continue  # a conflict or a freeze the demo did not override: leave it earlier
        if offset_days < 0:
            _backdate(Change.objects.get(pk=change.pk), start, hours)
    _conflicting_pair(cis[0], now, rng)
    _inside_freeze(services_, freeze_start, rng)
    return made + 3


def _walk(actor: Actor, change: Change, rng: random.Random, *, past: bool, index: int) -> None:
    """Move a change to a state fitting its time: done in the past, planned ahead."""
    if change.type == "emergency":
        _move(actor, change, Status.ASSESSMENT)
        _move(actor, change, Status.IMPLEMENTATION)
        _approve_all(Change.objects.get(pk=change.pk), rng)
        if past:
            _move(actor, change, Status.REVIEW, outcome="success")
            services.change_review(
                actor,
                number=change.number,
                outcome="objectives_met",
                notes="Emergency fix held.",
                lessons="Add monitoring for this failure mode.",
            )
            _move(actor, change, Status.CLOSED)
        return
    stage = index % 6 if not past else 5
    if stage == 0:
        return  # a draft
    _move(actor, change, Status.ASSESSMENT)
    if stage == 1:
        return
    if change.type == "normal":
        _move(actor, change, Status.AUTHORIZATION)
        change = Change.objects.get(pk=change.pk)
        _approve_all(change, rng, partly=stage == 2)
        if stage == 2 or Change.objects.get(pk=change.pk).approval_state not in (
            ApprovalState.APPROVED,
            ApprovalState.NOT_REQUIRED,
        ):
            return
    _move(actor, change, Status.SCHEDULED, override_reason="")
    if not past:
        return
    # planned ahead, then backdated (``_backdate``): started before its window, knowingly
    _move(actor, change, Status.IMPLEMENTATION, start_early=True)
    failed = rng.random() < 0.12
    if failed:
        _move(actor, change, Status.FAILED, outcome=rng.choice(["failed", "backed_out"]))
        services.change_review(
            actor,
            number=change.number,
            outcome="not_met",
            notes="The change was backed out after the smoke test failed.",
            lessons="Rehearse on the staging copy first.",
        )
    else:
        _move(actor, change, Status.REVIEW, outcome="success")
        if Change.objects.get(pk=change.pk).risk_level in ("high", "very_high"):
            services.change_review(
                actor, number=change.number, outcome="objectives_met", notes="Went to plan."
            )
    _move(actor, change, Status.CLOSED)


def _conflicting_pair(ci, now: dt.datetime, rng: random.Random) -> None:
    """Two standard changes on the same CI in overlapping windows; the second overrides."""
    actor = _as("lead")
    start = (now + dt.timedelta(days=9)).replace(hour=21)
    for n, reason in ((1, ""), (2, "Vendor only available that night; coordinated with CHG owner")):
        change = services.change_create(
            actor,
            title=f"Demo overlap {n}: patch {ci.name}",
            template="monthly-patching",
            cis=[ci.number],
            planned_start=start + dt.timedelta(minutes=30 * (n - 1)),
            planned_end=start + dt.timedelta(hours=2),
        )
        _move(actor, change, Status.ASSESSMENT)
        try:
            _move(actor, change, Status.SCHEDULED, override_reason=reason)
        except services.ScheduleConflict:  # the random changes already hold this CI
            _move(actor, change, Status.SCHEDULED, override_reason="Demo: planned overlap")


def _inside_freeze(business_services: list, freeze_start: dt.datetime, rng: random.Random) -> None:
    """A change scheduled into the freeze window with an override reason."""
    if not business_services:
        return
    actor = _as("lead")
    start = freeze_start + dt.timedelta(days=1, hours=20)
    change = services.change_create(
        actor,
        title=f"Hotfix for {business_services[0].name} during the freeze",
        template="app-pool-restart",
        cis=[business_services[0].number],
        planned_start=start,
        planned_end=start + dt.timedelta(hours=1),
    )
    _move(actor, change, Status.ASSESSMENT)
    _move(
        actor,
        change,
        Status.SCHEDULED,
        override_reason="Regulatory fix, approved by the CIO despite the freeze",
    )
