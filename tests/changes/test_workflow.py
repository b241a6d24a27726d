"""The change lifecycle: every transition of CHANGE_FLOW, legal and illegal, and its guards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.changes.choices import ApprovalState, ChangeType, Outcome, Status
from steward.changes.models import Change, ChangeTemplate
from steward.changes.services import change_review, change_update
from steward.changes.workflow import CHANGE_FLOW, WINDOW, needs_review
from steward.core.errors import Conflict, IllegalTransition, ValidationFailed
from steward.core.models import AuditEntry
from tests.changes.conftest import PLANS, fresh, move, scheduled, window

ALL_PAIRS = [(s, t) for s in Status.values for t in Status.values if s != t]
EXPECTED = {
    ("draft", "assessment"),
    ("draft", "cancelled"),
    ("assessment", "draft"),
    ("assessment", "authorization"),
    ("assessment", "scheduled"),
    ("assessment", "implementation"),
    ("assessment", "cancelled"),
    ("authorization", "scheduled"),
    ("authorization", "implementation"),
    ("authorization", "assessment"),
    ("authorization", "cancelled"),
    ("scheduled", "implementation"),
    ("scheduled", "assessment"),
    ("scheduled", "cancelled"),
    ("implementation", "review"),
    ("implementation", "failed"),
    ("review", "closed"),
    ("review", "failed"),
    ("failed", "closed"),
}


def test_the_table_is_exactly_the_documented_lifecycle():
    declared = {(t.source, t.target) for t in CHANGE_FLOW.transitions}
    assert declared == EXPECTED


@pytest.mark.parametrize(("source", "target"), [p for p in ALL_PAIRS if p not in EXPECTED])
def test_an_illegal_move_is_409_listing_the_allowed_states_and_changes_nothing(
    agent_actor, new_change, source, target
):
    change = new_change()
    Change.objects.filter(pk=change.pk).update(status=source)
    before = Change.objects.filter(pk=change.pk).values().get()

    with pytest.raises(IllegalTransition) as caught:
        move(agent_actor, change, target)

    assert sorted(caught.value.allowed) == sorted(CHANGE_FLOW.allowed(source))
    assert Change.objects.filter(pk=change.pk).values().get() == before


@given(st.sampled_from(Status.values), st.sampled_from(Status.values))
@settings(max_examples=80, deadline=None)
def test_allowed_is_the_table(source, target):
    allowed = CHANGE_FLOW.allowed(source)
    assert (target in allowed) == ((source, target) in EXPECTED)
    if source in ("closed", "cancelled"):
        assert allowed == []


def test_normal_change_walks_to_closed_with_audit_and_events(agent_actor, cm, cm_user, new_change):
    start, end = window()
    change = new_change(planned_start=start, planned_end=end)

    move(agent_actor, change, Status.ASSESSMENT)
    move(agent_actor, change, Status.AUTHORIZATION)
    change = fresh(change)
    assert change.approval_state == ApprovalState.PENDING
    (approval,) = change.approvals.all()
    assert list(approval.approvers.all()) == [cm_user]
    from steward.changes.services import approval_decide

    approval_decide(cm, number=change.number, approval_id=approval.pk, decision="approve")
    assert fresh(change).approval_state == ApprovalState.APPROVED
    move(agent_actor, change, Status.SCHEDULED)
    move(agent_actor, change, Status.IMPLEMENTATION, start_early=True)
    move(agent_actor, change, Status.REVIEW, outcome=Outcome.SUCCESS)
    closed = move(agent_actor, change, Status.CLOSED)

    assert closed.status == Status.CLOSED
    assert closed.actual_start is not None
    assert closed.actual_end is not None
    assert closed.closed_at is not None
    moves = [
        e.changes["status"]
        for e in AuditEntry.objects.filter(object_id=str(change.pk), action="update")
        if "status" in e.changes
    ]
    assert moves == [
        ["draft", "assessment"],
        ["assessment", "authorization"],
        ["authorization", "scheduled"],
        ["scheduled", "implementation"],
        ["implementation", "review"],
        ["review", "closed"],
    ]


@pytest.mark.parametrize("missing", ["planned_start", *PLANS])
def test_scheduling_needs_window_and_plans(agent_actor, cm, new_change, missing):
    start, end = window()
    fields = {"planned_start": start, "planned_end": end, **PLANS}
    fields[missing] = "" if missing in PLANS else None
    if missing == "planned_start":
        fields["planned_end"] = None
    change = new_change(**fields)

    with pytest.raises(ValidationFailed) as caught:
        scheduled(agent_actor, cm, change)

    assert missing in caught.value.fields
    assert fresh(change).status == Status.AUTHORIZATION


def test_scheduling_needs_an_approved_authorisation(agent_actor, cm, new_change):
    start, end = window()
    change = new_change(planned_start=start, planned_end=end)
    move(agent_actor, change, Status.ASSESSMENT)
    move(agent_actor, change, Status.AUTHORIZATION)

    with pytest.raises(ValidationFailed, match="approved authorisation"):
        move(agent_actor, change, Status.SCHEDULED)

    assert fresh(change).status == Status.AUTHORIZATION


def test_a_refused_move_reads_in_the_readers_language(agent_actor, cm, new_change):
    """A German change page read "needs an approved authorisation (approvals are pending)"
    and "required for this status change"."""
    change = new_change()
    move(agent_actor, change, Status.ASSESSMENT)
    move(agent_actor, change, Status.AUTHORIZATION)
    with translation.override("de"):
        with pytest.raises(ValidationFailed) as refused:
            move(agent_actor, change, Status.SCHEDULED, **dict(zip(WINDOW, window(), strict=True)))
        with pytest.raises(ValidationFailed) as missing:
            move(agent_actor, change, Status.SCHEDULED)
    assert refused.value.message == (
        "Erst nach erteilter Freigabe möglich (Genehmigungen: Ausstehend)"
    )
    assert missing.value.fields["planned_start"] == ["für diesen Statuswechsel erforderlich"]


def test_standard_change_from_template_skips_authorisation(agent_actor):
    template = ChangeTemplate.objects.create(slug="patch", name="Monthly patching", **PLANS)
    from steward.changes.services import change_create

    start, end = window()
    change = change_create(
        agent_actor, title="Patch", template="patch", planned_start=start, planned_end=end
    )
    assert change.type == ChangeType.STANDARD
    assert change.implementation_plan == template.implementation_plan

    move(agent_actor, change, Status.ASSESSMENT)
    with pytest.raises(ValidationFailed, match="pre-approved"):
        move(agent_actor, change, Status.AUTHORIZATION)
    done = move(agent_actor, change, Status.SCHEDULED)
    assert done.status == Status.SCHEDULED
    assert done.approval_state == ApprovalState.NOT_REQUIRED
    assert not done.approvals.exists()


def test_only_standard_changes_skip_authorisation(agent_actor, new_change):
    start, end = window()
    change = new_change(planned_start=start, planned_end=end)
    move(agent_actor, change, Status.ASSESSMENT)

    with pytest.raises(ValidationFailed, match="only standard"):
        move(agent_actor, change, Status.SCHEDULED)


def test_emergency_change_is_implemented_first_flagged_and_authorised_after(
    agent_actor, cm, new_change
):
    change = new_change(type=ChangeType.EMERGENCY)
    move(agent_actor, change, Status.ASSESSMENT)

    implementing = move(agent_actor, change, Status.IMPLEMENTATION)

    assert implementing.implemented_before_authorisation is True
    assert implementing.approval_state == ApprovalState.PENDING
    move(agent_actor, change, Status.REVIEW, outcome=Outcome.SUCCESS)
    change_review(agent_actor, number=change.number, outcome="objectives_met", notes="Fine.")
    with pytest.raises(ValidationFailed, match="authorised"):
        move(agent_actor, change, Status.CLOSED)
    from steward.changes.services import approval_decide

    (approval,) = fresh(change).approvals.all()
    approval_decide(cm, number=change.number, approval_id=approval.pk, decision="approve")
    closed = move(agent_actor, change, Status.CLOSED)
    assert closed.status == Status.CLOSED
    assert closed.implemented_before_authorisation is True


def test_a_normal_change_cannot_be_implemented_before_scheduling(agent_actor, new_change):
    change = new_change()
    move(agent_actor, change, Status.ASSESSMENT)

    with pytest.raises(ValidationFailed, match="emergency"):
        move(agent_actor, change, Status.IMPLEMENTATION)


def test_closing_needs_an_outcome_and_a_review_when_required(agent_actor, new_change):
    change = new_change(type=ChangeType.EMERGENCY)
    move(agent_actor, change, Status.ASSESSMENT)
    move(agent_actor, change, Status.IMPLEMENTATION)

    with pytest.raises(ValidationFailed) as caught:
        move(agent_actor, change, Status.REVIEW)
    assert "outcome" in caught.value.fields

    failed = move(agent_actor, change, Status.FAILED, outcome=Outcome.BACKED_OUT)
    assert needs_review(failed)
    with pytest.raises(ValidationFailed, match="post-implementation review"):
        move(agent_actor, change, Status.CLOSED)


def test_failing_needs_a_failed_outcome(agent_actor, new_change):
    change = new_change(type=ChangeType.EMERGENCY)
    move(agent_actor, change, Status.ASSESSMENT)
    move(agent_actor, change, Status.IMPLEMENTATION)

    with pytest.raises(ValidationFailed, match="failed") as caught:
        move(agent_actor, change, Status.FAILED, outcome=Outcome.SUCCESS)
    # the outcomes as the page's drop-down names them, not the API's "backed_out" (walk42)
    said = [m for messages in caught.value.fields.values() for m in messages]
    assert said == ["a failed change needs the outcome “Failed” or “Backed out”"]


def test_a_closed_change_is_final(agent_actor, new_change):
    change = new_change()
    move(agent_actor, change, Status.CANCELLED)

    with pytest.raises(Conflict):
        change_update(
            agent_actor, number=change.number, expected_version=None, changes={"title": "x"}
        )


def test_starting_well_before_the_window_needs_start_early(agent_actor, cm, new_change):
    start, end = window()  # days ahead
    change = scheduled(agent_actor, cm, new_change(planned_start=start, planned_end=end))
    on_time = scheduled(agent_actor, cm, new_change(planned_start=start, planned_end=end))
    version = fresh(change).version

    with pytest.raises(ValidationFailed) as refused:
        move(agent_actor, change, Status.IMPLEMENTATION)

    assert list(refused.value.fields) == ["start_early"]
    assert refused.value.fields["start_early"][0].startswith("the planned window starts on ")
    assert (fresh(change).status, fresh(change).version) == (Status.SCHEDULED, version)
    started = move(agent_actor, change, Status.IMPLEMENTATION, start_early=True)
    assert started.status == Status.IMPLEMENTATION
    # a start recorded within the hour before the window needs no confirmation
    recorded = start - dt.timedelta(minutes=50)
    assert move(agent_actor, on_time, Status.IMPLEMENTATION, actual_start=recorded).status == (
        Status.IMPLEMENTATION
    )
