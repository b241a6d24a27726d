"""Reads of change configuration (templates, freeze windows, the questionnaire) and of
the calendar feeds."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from steward.changes.choices import (
    SEEDED_ANSWERS,
    SEEDED_QUESTIONS,
    Status,
)
from steward.changes.models import (
    Change,
    ChangeTemplate,
    FeedToken,
    FreezeWindow,
    RiskAnswer,
    RiskQuestion,
)
from steward.changes.selectors.records import (
    CALENDAR_LIMIT,
    change_visible,
)
from steward.cmdb import selectors as cmdb_selectors
from steward.core import selectors as core_selectors
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.datetimes import check_bounds
from steward.core.errors import NotFound
from steward.core.models import Team
from steward.core.pagination import Page, paginate

# --- configuration ------------------------------------------------------------------------


def template_visible(actor: Actor) -> QuerySet[ChangeTemplate]:
    """Standard change templates: every agent reads them; requesters none."""
    return ChangeTemplate.objects.all() if actor.is_agent else ChangeTemplate.objects.none()


def template_list(
    actor: Actor,
    *,
    q: str = "",
    is_active: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of templates by slug."""
    qs = template_visible(actor)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(description__icontains=q))
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return paginate(qs, order=("slug",), cursor=cursor, limit=limit)


def template_get(actor: Actor, *, slug: str) -> ChangeTemplate:
    found = template_visible(actor).filter(slug=slug).first()
    if found is None:
        raise NotFound()
    return found


def freeze_visible(actor: Actor) -> QuerySet[FreezeWindow]:
    """Global freeze windows for every agent; a CI's for those who may see the CI."""
    if not actor.is_agent:
        return FreezeWindow.objects.none()
    qs = FreezeWindow.objects.all()
    if actor.is_system or actor.is_admin:
        return qs
    return qs.filter(Q(ci__isnull=True) | Q(ci__in=cmdb_selectors.ci_visible(actor)))


def freeze_list(
    actor: Actor,
    *,
    q: str = "",
    ci: str = "",
    active_at: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible freeze windows by start; ``active_at`` those covering that time."""
    qs = freeze_visible(actor).select_related("ci")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(reason__icontains=q))
    if ci:
        qs = qs.filter(ci__number=ci)
    if check_bounds("active_at", active_at):
        qs = qs.filter(starts_at__lte=active_at, ends_at__gt=active_at, is_active=True)
    return paginate(qs, order=("starts_at", "id"), cursor=cursor, limit=limit)


def freeze_get(actor: Actor, *, slug: str) -> FreezeWindow:
    found = freeze_visible(actor).select_related("ci").filter(slug=slug).first()
    if found is None:
        raise NotFound()
    return found


def _load_questionnaire() -> tuple[RiskQuestion, ...]:
    return tuple(RiskQuestion.objects.filter(is_active=True).prefetch_related("answers"))


# saving a question or an answer moves the stamp (steward/changes/apps.py)
_questionnaire = stamps.Versioned(stamps.CHANGE_CONFIG, _load_questionnaire)


def risk_questions() -> list[RiskQuestion]:
    """The active questionnaire with its answers, kept per process under the
    ``CHANGE_CONFIG`` stamp: a change page or form reads it from the database only after
    it changed (two queries then, none otherwise)."""
    return list(_questionnaire.get())


def risk_question_text(question: RiskQuestion) -> str:
    """The question in the reader's language if it is a seeded one as seeded, else as its
    administrator wrote it (decision 0120). Read per request: the kept questionnaire is
    shared by readers of every language."""
    return seeded_words(SEEDED_QUESTIONS.get(question.slug), question.text)


def risk_answer_label(question: RiskQuestion, answer: RiskAnswer) -> str:
    """An answer of ``question`` in the reader's language if seeded and unchanged, else as
    written (decision 0120)."""
    return seeded_words(SEEDED_ANSWERS.get((question.slug, answer.slug)), answer.label)


def seeded_words(seeded: str | None, stored: str) -> str:
    """``stored`` translated when it is still the ``seeded`` English, else ``stored``:
    an administrator's own words are never looked up in the catalogue (a question she
    wrote that happens to be a message id elsewhere stays hers)."""
    return gettext(stored) if seeded is not None and stored == seeded else stored


# --- calendar feeds -----------------------------------------------------------------------

FEED_PAST = dt.timedelta(days=30)
FEED_FUTURE = dt.timedelta(days=366)
FEED_STATES = (Status.SCHEDULED, Status.IMPLEMENTATION)


def feed_owner(token: str) -> Actor | None:
    """The active user a feed token belongs to, as an actor of the feed; None if unknown."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    found = (
        FeedToken.objects.filter(token=digest, user__is_active=True).select_related("user").first()
    )
    return (
        None if found is None else Actor(user=found.user, channel="web", scopes=frozenset({"read"}))
    )


def feed_changes(actor: Actor, *, team: str = "") -> list[Change]:
    """Scheduled and implementing changes the feed's owner may see, from 30 days back to a
    year ahead; of one team (that the owner may see) when ``team`` is given."""
    now = timezone.now()
    qs = change_visible(actor).filter(
        status__in=FEED_STATES, planned_start__lt=now + FEED_FUTURE, planned_end__gt=now - FEED_PAST
    )
    if team:
        found: Team | None = core_selectors.team_visible(actor).filter(slug=team).first()
        if found is None:
            raise NotFound()
        qs = qs.filter(team=found)
    return list(
        qs.select_related("team", "assignee")
        .prefetch_related(
            Prefetch("cis", queryset=cmdb_selectors.ci_visible(actor).only("id", "number"))
        )
        .order_by("planned_start", "id")[:CALENDAR_LIMIT]
    )
