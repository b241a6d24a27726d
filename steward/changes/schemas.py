"""API shapes for changes, approvals, templates and freeze windows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from steward.api.http import In, SingleLine
from steward.changes import selectors


class ReviewOut(Schema):
    outcome: str
    notes: str
    lessons: str
    reviewed_by: str | None = Field(None, alias="reviewed_by.username")
    reviewed_at: dt.datetime


class ChangeOut(Schema):
    number: str
    title: str
    description: str
    type: str
    status: str
    template: str | None = Field(None, alias="template.slug")
    requester: str = Field(..., alias="requester.username")
    organisation: str | None = Field(None, alias="organisation.slug")
    team: str | None = Field(None, alias="team.slug")
    assignee: str | None = Field(None, alias="assignee.username")
    implementation_plan: str
    backout_plan: str
    test_plan: str
    planned_start: dt.datetime | None
    planned_end: dt.datetime | None
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None
    risk_answers: dict[str, str]
    risk_score: int
    risk_level: str
    risk_reasons: list[str]
    approval_state: str
    implemented_before_authorisation: bool
    schedule_override_reason: str
    outcome: str
    closed_at: dt.datetime | None
    cis: list[str]
    impacted_services: list[str]
    incidents: list[str]
    problems: list[str]
    review: ReviewOut | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_risk_reasons(obj: Any) -> list[str]:
        return selectors.change_risk_reasons(obj)

    @staticmethod
    def resolve_cis(obj: Any) -> list[str]:
        return sorted(ci.number for ci in obj.cis.all())

    @staticmethod
    def resolve_impacted_services(obj: Any) -> list[str]:
        return sorted(ci.number for ci in obj.impacted_services.all())

    @staticmethod
    def resolve_incidents(obj: Any) -> list[str]:
        return sorted(i.number for i in obj.incidents.all())

    @staticmethod
    def resolve_problems(obj: Any) -> list[str]:
        return sorted(p.number for p in obj.problems.all())

    @staticmethod
    def resolve_review(obj: Any) -> Any:
        return getattr(obj, "review", None) if hasattr(obj, "review") else None


class ChangeCreateIn(In):
    title: SingleLine = Field(..., max_length=200)
    description: str = Field("", max_length=100_000)
    type: str | None = Field(None, description="standard (needs template), normal, emergency")
    template: str | None = None
    requester: str | None = None
    team: str | None = None
    assignee: str | None = None
    implementation_plan: str = Field("", max_length=100_000)
    backout_plan: str = Field("", max_length=100_000)
    test_plan: str = Field("", max_length=100_000)
    planned_start: dt.datetime | None = None
    planned_end: dt.datetime | None = None
    cis: list[str] = Field(default_factory=list, description="CI numbers")
    incidents: list[str] = Field(default_factory=list, description="incident numbers")
    problems: list[str] = Field(default_factory=list, description="problem numbers")
    risk_answers: dict[str, str] = Field(default_factory=dict)


class ChangePatchIn(In):
    version: int | None = None
    title: SingleLine | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=100_000)
    status: str | None = None
    requester: str | None = None
    team: str | None = None
    assignee: str | None = None
    implementation_plan: str | None = Field(None, max_length=100_000)
    backout_plan: str | None = Field(None, max_length=100_000)
    test_plan: str | None = Field(None, max_length=100_000)
    planned_start: dt.datetime | None = None
    planned_end: dt.datetime | None = None
    actual_start: dt.datetime | None = None
    actual_end: dt.datetime | None = None
    cis: list[str] | None = None
    incidents: list[str] | None = None
    problems: list[str] | None = None
    risk_answers: dict[str, str] | None = None
    outcome: str | None = None
    override_reason: str | None = Field(
        None, max_length=5000, description="required to schedule despite conflicts or a freeze"
    )
    start_early: bool | None = Field(
        None,
        description="true to start implementation more than an hour before the planned window",
    )


class DecisionOut(Schema):
    approver: str = Field(..., alias="approver.username")
    decided_by: str = Field(..., alias="decided_by.username")
    decision: str
    comment: str
    channel: str
    at: dt.datetime


class ApprovalOut(Schema):
    id: int
    label: str
    approver_kind: str
    quorum: int
    state: str
    forbid_self_approval: bool
    approvers: list[str]
    decisions: list[DecisionOut]
    created_at: dt.datetime
    decided_at: dt.datetime | None
    reminders_sent: int

    @staticmethod
    def resolve_approvers(obj: Any) -> list[str]:
        return sorted(u.username for u in obj.approvers.all())

    @staticmethod
    def resolve_decisions(obj: Any) -> list[Any]:
        return list(obj.decisions.all())


class DecisionIn(In):
    decision: str = Field(..., description="approve or reject")
    comment: str = Field("", max_length=5000)
    on_behalf_of: str | None = Field(None, description="the away approver you stand in for")


class ConflictChangeOut(Schema):
    number: str | None = Field(None, description="null: a change you may not see")
    title: str
    status: str
    planned_start: dt.datetime | None
    planned_end: dt.datetime | None
    relation: str = Field(..., description="same_ci or dependent_ci")
    cis: list[str]


class ConflictFreezeOut(Schema):
    slug: str | None
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    ci: str | None


class ConflictsOut(Schema):
    changes: list[ConflictChangeOut]
    freezes: list[ConflictFreezeOut]


class RiskAnswerOut(Schema):
    slug: str
    label: str
    weight: int


class RiskQuestionOut(Schema):
    slug: str
    text: str
    answers: list[RiskAnswerOut]

    @staticmethod
    def resolve_answers(obj: Any) -> list[Any]:
        return list(obj.answers.all())


class RiskOut(Schema):
    level: str
    score: int
    reasons: list[str]
    answers: dict[str, str]
    questions: list[RiskQuestionOut]
    required_approvals: list[str]


class TemplateOut(Schema):
    slug: str
    name: str
    description: str
    implementation_plan: str
    backout_plan: str
    test_plan: str
    is_active: bool
    version: int


class TemplateCreateIn(In):
    name: str = Field(..., max_length=200)
    slug: str | None = Field(None, max_length=60)
    description: str = Field("", max_length=100_000)
    implementation_plan: str = Field("", max_length=100_000)
    backout_plan: str = Field("", max_length=100_000)
    test_plan: str = Field("", max_length=100_000)
    is_active: bool = True


class TemplatePatchIn(In):
    version: int | None = None
    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=100_000)
    implementation_plan: str | None = Field(None, max_length=100_000)
    backout_plan: str | None = Field(None, max_length=100_000)
    test_plan: str | None = Field(None, max_length=100_000)
    is_active: bool | None = None


class FreezeOut(Schema):
    slug: str
    name: str
    reason: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    ci: str | None = Field(None, alias="ci.number")
    is_active: bool
    version: int


class FreezeCreateIn(In):
    name: str = Field(..., max_length=200)
    slug: str | None = Field(None, max_length=60)
    reason: str = Field("", max_length=10_000)
    starts_at: dt.datetime
    ends_at: dt.datetime
    ci: str | None = None
    is_active: bool = True


class FreezePatchIn(In):
    version: int | None = None
    name: str | None = Field(None, max_length=200)
    reason: str | None = Field(None, max_length=10_000)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    ci: str | None = None
    is_active: bool | None = None


class ReviewIn(In):
    outcome: str = Field(..., description="objectives_met, partially_met or not_met")
    notes: str = Field(..., max_length=100_000)
    lessons: str = Field("", max_length=100_000)


class DelegationOut(Schema):
    id: int
    user: str = Field(..., alias="user.username")
    delegate: str = Field(..., alias="delegate.username")
    starts_on: dt.date
    ends_on: dt.date


class DelegationIn(In):
    delegate: str
    starts_on: dt.date
    ends_on: dt.date
    user: str | None = Field(None, description="administrators: whose approvals")


class FeedOut(Schema):
    personal: str = Field(..., description="scheduled changes you may see (iCalendar)")
    team_template: str = Field(..., description="replace {team} with a team's slug")
