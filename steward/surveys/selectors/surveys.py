"""Reads of surveys: what an actor may see (agents by organisation, a requester their
own), lists, one survey, a requester's open ones, and the administrators' settings."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate
from steward.core.selectors.scoping import scope_to_organisations
from steward.surveys.models import Survey, SurveySettings

ORDER = ("-invited_at", "-id")


def survey_settings() -> SurveySettings:
    """The one settings row (the defaults until an administrator saves it)."""
    return SurveySettings.objects.order_by("id").first() or SurveySettings()


def survey_visible(actor: Actor) -> QuerySet[Survey]:
    """Agents: the surveys of the organisations they serve (all for admins and unlimited
    agents); a requester: only their own (never their colleagues')."""
    return scope_to_organisations(actor, Survey.objects.all(), requester="requester")


def survey_list(
    actor: Actor,
    *,
    number: str = "",
    team: str = "",
    answered: bool | None = None,
    rating: list[int] | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of the surveys the actor may see, newest invitation first."""
    qs = survey_visible(actor).select_related("requester", "team")
    if number:
        qs = qs.filter(number=number.strip().upper())
    if team:
        qs = qs.filter(team__slug=team)
    if answered is not None:
        qs = qs.filter(rating__isnull=not answered)
    if rating:
        qs = qs.filter(rating__in=rating)
    return paginate(qs, order=ORDER, cursor=cursor, limit=limit)


def _id(pk: object) -> int:
    text = str(pk)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        raise NotFound()
    return int(text)


def survey_get(actor: Actor, *, pk: object) -> Survey:
    """One survey the actor may see; ``NotFound`` otherwise (absent and invisible alike)."""
    survey = survey_visible(actor).select_related("requester", "team").filter(pk=_id(pk)).first()
    if survey is None:
        raise NotFound()
    return survey


def survey_waiting_for(actor: Actor, *, limit: int = 10) -> list[Survey]:
    """The signed-in requester's own open surveys not answered yet (the portal's prompt)."""
    if actor.user is None:
        return []
    return list(
        Survey.objects.filter(
            requester_id=actor.user.pk, rating__isnull=True, closes_at__gt=timezone.now()
        ).order_by("-invited_at", "-id")[:limit]
    )


def survey_waiting_about(actor: Actor, *, subject: str, subject_id: int) -> Survey | None:
    """The signed-in requester's own survey about one record, open and not answered yet
    (the record page's "Rate"): the newest, or ``None``; one statement."""
    if actor.user is None:
        return None
    return (
        Survey.objects.filter(
            requester_id=actor.user.pk,
            subject=subject,
            subject_id=subject_id,
            rating__isnull=True,
            closes_at__gt=timezone.now(),
        )
        .order_by("-invited_at", "-id")
        .first()
    )


def survey_latest_of(*, subject: str, subject_id: int) -> Survey | None:
    """The newest survey about a record (the quiet period is counted from it)."""
    return (
        Survey.objects.filter(subject=subject, subject_id=subject_id)
        .order_by("-invited_at", "-id")
        .first()
    )


def survey_for_update(pk: int) -> Survey | None:
    return Survey.objects.select_for_update().select_related("requester").filter(pk=pk).first()


def survey_answered_q() -> Q:
    return Q(rating__isnull=False)
