"""Approvals: policies by type and risk, quorum, rejection, delegation, own change,
twice, outsiders, signed links, reminders; every decision audited with an event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from steward.changes import selectors, services
from steward.changes.choices import ApprovalState, Status
from steward.changes.models import ApprovalDecision, ApprovalReminder, Change, ChangeApproval
from steward.core.actor import Actor
from steward.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage
from tests import factories
from tests.changes.conftest import PLANS, fresh, in_authorisation, move
from tests.conftest import as_actor

HIGH = {"outage": "full", "tested": "no", "backout": "impossible"}  # 4 + 3 + 4 = 11: high


def decide(user, change, approval, decision="approve", **kw):
    return services.approval_decide(
        as_actor(user), number=change.number, approval_id=approval.pk, decision=decision, **kw
    )


@pytest.fixture
def high_change(agent_actor, new_change, cab, stack, cm_user):
    """A high-risk normal change on the webshop's server: CAB (quorum 2) + service owner."""
    team = factories.TeamFactory(name="Shop owners", slug="shop-owners")
    team.lead = factories.agent(username="shoplead")
    team.save()
    type(stack["service"]).objects.filter(pk=stack["service"].pk).update(owner_team=team)
    change = new_change(cis=[stack["server"].number], risk_answers=HIGH)
    return in_authorisation(agent_actor, change)


def test_high_risk_needs_cab_with_quorum_two_and_the_service_owner_lead(high_change, cab):
    approvals = {a.label: a for a in high_change.approvals.all()}

    assert high_change.risk_level in ("high", "very_high")
    assert set(approvals) == {"Change Advisory Board", "Owner team lead of the impacted services"}
    assert approvals["Change Advisory Board"].quorum == 2
    assert set(approvals["Change Advisory Board"].approvers.all()) == set(cab.members.all())
    assert [
        u.username for u in approvals["Owner team lead of the impacted services"].approvers.all()
    ] == ["shoplead"]


def test_low_risk_normal_change_needs_the_change_manager(agent_actor, new_change, cm_user):
    change = in_authorisation(agent_actor, new_change())

    (approval,) = change.approvals.all()
    assert change.risk_level == "low"
    assert list(approval.approvers.all()) == [cm_user]


def test_quorum_approves_and_is_audited_with_an_event(high_change, cab):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    first, second = list(cab_approval.approvers.all())[:2]

    decide(first, high_change, cab_approval, comment="ok")
    assert ChangeApproval.objects.get(pk=cab_approval.pk).state == ApprovalState.PENDING
    decide(second, high_change, cab_approval)

    assert ChangeApproval.objects.get(pk=cab_approval.pk).state == ApprovalState.APPROVED
    assert fresh(high_change).approval_state == ApprovalState.PENDING  # owner lead still due
    owner = high_change.approvals.exclude(pk=cab_approval.pk).get()
    decide(owner.approvers.get(), high_change, owner)
    assert fresh(high_change).approval_state == ApprovalState.APPROVED
    decisions = AuditEntry.objects.filter(content_type__model="approvaldecision")
    assert decisions.count() == 3
    assert decisions.first().changes["decision"] == [None, "approve"]
    assert OutboxMessage.objects.filter(topic="change.approval_decided").count() == 3
    assert OutboxMessage.objects.filter(topic="change.approved").count() == 1


def test_any_rejection_rejects(high_change):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    first, second = list(cab_approval.approvers.all())[:2]
    decide(first, high_change, cab_approval)

    decide(second, high_change, cab_approval, "reject", comment="Too risky before Black Friday")

    assert ChangeApproval.objects.get(pk=cab_approval.pk).state == ApprovalState.REJECTED
    assert fresh(high_change).approval_state == ApprovalState.REJECTED
    with pytest.raises(ValidationFailed):
        move(Actor.system("t"), high_change, Status.SCHEDULED)


def test_a_rejection_withdraws_the_other_pending_approvals(high_change):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    owner = high_change.approvals.exclude(pk=cab_approval.pk).get()
    lead = owner.approvers.get()
    assert [a.pk for a in selectors.approvals_awaiting(as_actor(lead))] == [owner.pk]

    decide(cab_approval.approvers.first(), high_change, cab_approval, "reject", comment="No")

    assert ChangeApproval.objects.get(pk=owner.pk).state == ApprovalState.NOT_REQUIRED
    assert selectors.approvals_awaiting(as_actor(lead)) == []  # off the lead's home page
    with pytest.raises(Conflict):
        decide(lead, high_change, owner)
    withdrawn = AuditEntry.objects.filter(content_type__model="changeapproval", object_id=owner.pk)
    assert withdrawn.latest("id").changes["state"] == ["pending", "not_required"]


def test_a_rejection_tells_the_requester_who_rejected_it_and_why(high_change):
    from steward.core import outbox

    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    outbox.dispatch_pending()  # the approval requests
    mail.outbox.clear()
    approver = cab_approval.approvers.first()
    decide(approver, high_change, cab_approval, "reject", comment="Too risky before Black Friday")
    outbox.dispatch_pending()

    told = [m for m in mail.outbox if high_change.requester.email in m.to]
    assert len(told) == 1, [m.subject for m in mail.outbox]
    assert told[0].subject == f"[{high_change.number}] Change rejected: {high_change.title}"
    assert f"{approver} said \u201cToo risky before Black Friday\u201d" in told[0].body
    outbox.dispatch_pending()  # at-least-once dispatch must not mail twice
    assert len([m for m in mail.outbox if high_change.requester.email in m.to]) == 1


def test_an_opted_out_requester_is_not_mailed_the_rejection(high_change):
    from steward.core import outbox

    high_change.requester.email_notifications = False
    high_change.requester.save()
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    decide(cab_approval.approvers.first(), high_change, cab_approval, "reject", comment="No")
    outbox.dispatch_pending()

    assert not [m for m in mail.outbox if high_change.requester.email in m.to]


def test_rejecting_needs_a_comment(high_change):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    with pytest.raises(ValidationFailed) as caught:
        decide(cab_approval.approvers.first(), high_change, cab_approval, "reject")
    assert "comment" in caught.value.fields
    assert not ApprovalDecision.objects.exists()


def test_approving_twice_is_409(high_change):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    member = cab_approval.approvers.first()
    decide(member, high_change, cab_approval)

    with pytest.raises(Conflict):
        decide(member, high_change, cab_approval)
    assert ApprovalDecision.objects.count() == 1


def test_an_approver_outside_the_policy_is_403(high_change):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    outsider = factories.agent(username="outsider")

    with pytest.raises(PermissionDenied, match="not an approver"):
        decide(outsider, high_change, cab_approval)
    assert not ApprovalDecision.objects.exists()


def test_one_may_not_approve_ones_own_change(agent_actor, agent_user, new_change, cab):
    cab.members.add(agent_user)
    change = new_change(risk_answers=HIGH)
    change = in_authorisation(agent_actor, change)
    cab_approval = change.approvals.get(label="Change Advisory Board")
    assert agent_user not in cab_approval.approvers.all()  # left out of the quorum

    with pytest.raises(PermissionDenied, match="own change"):
        decide(agent_user, change, cab_approval)
    assert not ApprovalDecision.objects.exists()


def test_a_delegate_decides_for_the_away_approver_audited_as_such(high_change):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    away = cab_approval.approvers.first()
    stand_in = factories.agent(username="standin")
    today = timezone.localdate()
    services.delegation_create(
        as_actor(away), delegate="standin", starts_on=today, ends_on=today + dt.timedelta(days=3)
    )

    decide(stand_in, high_change, cab_approval)

    made = ApprovalDecision.objects.get()
    assert (made.approver, made.decided_by) == (away, stand_in)
    entry = AuditEntry.objects.filter(content_type__model="approvaldecision").get()
    assert entry.actor == stand_in
    assert entry.changes["on_behalf_of"] == [None, away.username]
    with pytest.raises(Conflict):  # the away approver's vote is used up
        decide(away, high_change, cab_approval)


def test_a_delegation_outside_its_dates_gives_no_right(high_change):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    away = cab_approval.approvers.first()
    factories.agent(username="later")
    start = timezone.localdate() + dt.timedelta(days=2)
    services.delegation_create(
        as_actor(away), delegate="later", starts_on=start, ends_on=start + dt.timedelta(days=1)
    )

    with pytest.raises(PermissionDenied):
        decide(type(away).objects.get(username="later"), high_change, cab_approval)


def test_a_delegation_in_the_past_or_reversed_is_422(agent_actor):
    factories.agent(username="deleg")
    today = timezone.localdate()
    with pytest.raises(ValidationFailed):
        services.delegation_create(
            agent_actor, delegate="deleg", starts_on=today, ends_on=today - dt.timedelta(days=1)
        )
    with pytest.raises(ValidationFailed):
        services.delegation_create(
            agent_actor,
            delegate="deleg",
            starts_on=today - dt.timedelta(days=9),
            ends_on=today - dt.timedelta(days=2),
        )


def test_the_signed_link_decides_once(high_change):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    member = cab_approval.approvers.first()
    token = services.approval_link_token(cab_approval, approver=member, sent_to=member)

    services.approval_decide_by_link(token, decision="approve")

    made = ApprovalDecision.objects.get()
    assert made.approver == member
    assert made.channel == "email"
    with pytest.raises(Conflict):
        services.approval_decide_by_link(token, decision="approve")


def test_a_forged_or_expired_link_is_404(high_change, monkeypatch):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    member = cab_approval.approvers.first()
    token = services.approval_link_token(cab_approval, approver=member, sent_to=member)
    with pytest.raises(NotFound):
        services.approval_decide_by_link(token[:-2] + "xx", decision="approve")
    # an expired link: read it eight days later (links work for seven by default)
    import time

    now = time.time()
    monkeypatch.setattr("django.core.signing.time.time", lambda: now + 8 * 86400)
    with pytest.raises(NotFound):
        services.approval_decide_by_link(token, decision="approve")
    assert not ApprovalDecision.objects.exists()


def test_approval_mails_carry_a_working_link(high_change, client):
    from steward.core import outbox

    outbox.dispatch_pending()
    to = sorted(a for m in mail.outbox for a in m.to)
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    expected = sorted(u.email for a in high_change.approvals.all() for u in a.approvers.all())
    assert to == expected
    message = next(m for m in mail.outbox if cab_approval.approvers.first().email in m.to)
    link = next(line for line in message.body.splitlines() if "/changes/approve/" in line)
    path = link.split("://", 1)[-1].split("/", 1)[-1]

    page = client.get("/" + path)
    assert page.status_code == 200
    assert not ApprovalDecision.objects.exists()  # a GET never decides
    done = client.post("/" + path, {"decision": "approve"})
    assert done.status_code == 200
    assert ApprovalDecision.objects.count() == 1
    again = client.post("/" + path, {"decision": "approve"})
    assert again.status_code == 422
    outbox.dispatch_pending()  # at-least-once dispatch must not mail twice
    assert len(mail.outbox) == len(to)


def test_reminders_happen_once_per_interval(high_change):
    pending = high_change.approvals.count()
    later = timezone.now() + dt.timedelta(hours=25)

    assert services.approvals_remind(now=later) == pending
    assert services.approvals_remind(now=later) == 0  # same interval: nothing more
    assert services.approvals_remind(now=later + dt.timedelta(hours=1)) == 0
    assert services.approvals_remind(now=later + dt.timedelta(hours=25)) == pending
    assert ApprovalReminder.objects.count() == 2 * pending
    assert OutboxMessage.objects.filter(topic="change.approval_reminder").count() == 2 * pending


def test_no_reminder_for_a_decided_approval(high_change):
    for approval in high_change.approvals.all():
        for user in list(approval.approvers.all())[: approval.quorum]:
            decide(user, high_change, approval)

    assert services.approvals_remind(now=timezone.now() + dt.timedelta(days=2)) == 0


def test_an_invisible_change_is_404_for_deciding(high_change, db):
    org = factories.OrganisationFactory()
    Change.objects.filter(pk=high_change.pk).update(organisation=org)
    stranger = factories.agent(username="limited")
    stranger.served_organisations.set([factories.OrganisationFactory()])
    cab_approval = high_change.approvals.get(label="Change Advisory Board")

    with pytest.raises(NotFound):
        decide(stranger, high_change, cab_approval)


def test_the_worker_job_sends_the_due_reminders(high_change, monkeypatch):
    from steward.changes import tasks

    later = timezone.now() + dt.timedelta(hours=25)
    monkeypatch.setattr("steward.changes.services.approvals.timezone.now", lambda: later)

    assert tasks.remind_approvers.call_local() == high_change.approvals.count()
    assert tasks.remind_approvers.call_local() == 0


def test_a_link_to_a_withdrawn_or_decided_approval_asks_nothing(high_change, client):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    owner = high_change.approvals.exclude(pk=cab_approval.pk).get()
    lead, member = owner.approvers.get(), cab_approval.approvers.first()
    lead_link = services.approval_link_token(owner, approver=lead, sent_to=lead)
    member_link = services.approval_link_token(cab_approval, approver=member, sent_to=member)
    assert b'name="decision"' in client.get(f"/changes/approve/{lead_link}/").content

    decide(member, high_change, cab_approval, "reject", comment="Too risky")

    page = client.get(f"/changes/approve/{lead_link}/").content.decode()
    assert 'name="decision"' not in page
    assert "Nothing to decide: this approval is not required" in page
    page = client.get(f"/changes/approve/{member_link}/").content.decode()
    assert 'name="decision"' not in page
    assert "you already chose reject" in page
    refused = client.post(f"/changes/approve/{lead_link}/", {"decision": "approve"})
    assert refused.status_code == 422  # the page re-shown with the refusal
    assert "Nothing to decide: this approval is not required" in refused.content.decode()
    assert not owner.decisions.exists()


def test_a_link_rejection_without_a_comment_asks_for_one_and_decides_nothing(high_change, client):
    cab_approval = high_change.approvals.get(label="Change Advisory Board")
    member = cab_approval.approvers.first()
    token = services.approval_link_token(cab_approval, approver=member, sent_to=member)

    page = client.post(f"/changes/approve/{token}/", {"decision": "reject", "comment": ""})

    assert page.status_code == 422
    assert b"say why you reject" in page.content
    assert b'name="decision" value="reject"' in page.content  # asked again
    assert not ApprovalDecision.objects.exists()


def test_the_only_change_manager_asking_for_her_own_change_waits_for_an_administrator(
    cm, cm_user, admin_user
):
    """The demo's `cm` raised a normal medium-risk change and read "No approval needed":
    the policy forbids self-approval, she is the only change manager, so nobody was eligible
    and the approval was skipped (walk38). A required approval is never skipped: the
    administrators stand in, and she cannot decide it herself."""
    change = services.change_create(cm, title="Patch the VM host", **PLANS)
    change = in_authorisation(cm, change)

    (approval,) = change.approvals.all()
    assert change.approval_state == ApprovalState.PENDING
    assert (approval.label, approval.state) == ("Change manager", ApprovalState.PENDING)
    assert list(approval.approvers.all()) == [admin_user]
    entry = AuditEntry.objects.get(
        content_type__model="changeapproval", object_id=str(approval.pk), action="create"
    )
    assert entry.changes["administrators_stand_in"] == [None, True]
    assert entry.changes["approvers"] == [None, [admin_user.username]]
    with pytest.raises(PermissionDenied):
        decide(cm_user, change, approval)
    decide(admin_user, change, approval)
    assert fresh(change).approval_state == ApprovalState.APPROVED


def test_with_nobody_to_stand_in_requesting_authorisation_is_refused_naming_the_policy(cm, cm_user):
    """No administrator either: the request is refused (409), saying who must be added, and
    nothing is written; the change stays in assessment."""
    change = services.change_create(cm, title="Patch the VM host", **PLANS)
    move(cm, change, Status.ASSESSMENT)
    before = AuditEntry.objects.count()

    with pytest.raises(Conflict) as caught:
        move(cm, change, Status.AUTHORIZATION)

    assert caught.value.code == "no_eligible_approver"
    assert "'Change manager'" in caught.value.message
    assert "add another change manager or an administrator" in caught.value.fields["approvers"][0]
    change = fresh(change)
    assert (change.status, change.approval_state) == (Status.ASSESSMENT, "not_requested")
    assert not change.approvals.exists()
    assert AuditEntry.objects.count() == before
