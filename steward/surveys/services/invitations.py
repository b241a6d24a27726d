"""Inviting a requester to rate a resolution: once per resolution (the outbox event that
announced it), not again within the quiet period after the last invitation about the same
record, for the administrators' share of records, never while surveys are off."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from steward.catalog.choices import RequestStatus
from steward.catalog.models import Request
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.incidents.choices import Status
from steward.incidents.models import Incident
from steward.surveys import selectors
from steward.surveys.choices import Subject
from steward.surveys.models import Survey

AUDITED = ("number", "subject", "requester", "team", "invited_at", "closes_at")


def sampled(subject: str, subject_id: int, percent: int) -> bool:
    """Whether the record falls in the sampled share: a hash of the record, not chance, so
    a record is in or out every time it is resolved, and tests know which."""
    if percent >= 100:
        return True
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"{subject}:{subject_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 100 < percent


def survey_invite_for_incident(actor: Actor, *, incident_id: int, key: str) -> Survey | None:
    """Invite the caller of a resolved incident (the ``incident.resolved`` event ``key``)."""
    incident = Incident.objects.select_related("caller").filter(pk=incident_id).first()
    if incident is None or incident.status not in (Status.RESOLVED, Status.CLOSED):
        return None  # gone, or reopened before the worker came to it
    return survey_invite(
        actor,
        subject=Subject.INCIDENT,
        record=incident,
        requester=incident.caller,
        team_id=incident.team_id,
        key=key,
    )


def survey_invite_for_request(actor: Actor, *, request_id: int, key: str) -> Survey | None:
    """Invite the requester of a completed catalogue request (``request.completed``)."""
    request = Request.objects.select_related("requester").filter(pk=request_id).first()
    if request is None or request.status != RequestStatus.COMPLETED:
        return None
    team_id = (
        request.tasks.exclude(team=None).order_by("-id").values_list("team_id", flat=True).first()
    )
    return survey_invite(
        actor,
        subject=Subject.REQUEST,
        record=request,
        requester=request.requester,
        team_id=team_id,
        key=key,
    )


@transaction.atomic
def survey_invite(
    actor: Actor,
    *,
    subject: str,
    record: Incident | Request,
    requester: object,
    team_id: int | None,
    key: str,
    now: dt.datetime | None = None,
) -> Survey | None:
    """The survey for this resolution (made once, announced by ``survey.invited``), or
    ``None`` when surveys are off, the record is not sampled, nobody is there to ask, or the
    record was asked about within the quiet period."""
    now = now or timezone.now()
    existing = Survey.objects.filter(key=key).first()
    if existing is not None:
        return existing  # the event delivered again: the same survey, no second mail
    config = selectors.survey_settings()
    if not config.is_enabled or requester is None or not requester.is_active:
        return None
    if not sampled(subject, record.pk, config.sample_percent):
        return None
    latest = selectors.survey_latest_of(subject=subject, subject_id=record.pk)
    quiet = dt.timedelta(days=settings.SURVEY_QUIET_DAYS)
    if latest is not None and now - latest.invited_at < quiet:
        return None  # reopened and resolved again soon: the first survey still asks
    survey = Survey(
        key=key,
        subject=subject,
        subject_id=record.pk,
        number=record.number,
        title=(record.title or "")[:300],
        requester=requester,
        team_id=team_id,
        organisation_id=record.organisation_id,
        invited_at=now,
        closes_at=now + dt.timedelta(days=settings.SURVEY_OPEN_DAYS),
    )
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError:  # a concurrent delivery of the same event made it first
        return Survey.objects.filter(key=key).first()
    audit.record(actor, survey, action=AuditAction.CREATE, after=audit.snapshot(survey, AUDITED))
    outbox.emit("survey.invited", survey, number=survey.number)
    return survey
