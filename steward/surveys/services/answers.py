"""Answering a survey: by the signed, single-purpose link of the invitation (no sign-in),
or from the portal; changeable until the survey closes. The answer is a work note on the
record (the agents' timeline) and an outbox event (a low rating tells the team lead)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from steward.catalog import services as catalog_services
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.errors import Conflict, NotFound, Throttled
from steward.core.services.auth import login_check, login_failed
from steward.incidents import services as incident_services
from steward.surveys import selectors, workflow
from steward.surveys.choices import Subject
from steward.surveys.models import Survey
from steward.surveys.services.validation import clean_answer

LINK_SALT = "steward.surveys.answer-link"
AUDITED = ("rating", "comment", "answered_at")
NOTE_ACTOR = "satisfaction survey"


def survey_link_token(survey: Survey) -> str:
    """The secret of the invitation's link: which survey, for whom. Signed with its own
    salt, so it opens this survey and nothing else, and cannot be forged."""
    return signing.dumps({"s": survey.pk, "u": survey.requester_id}, salt=LINK_SALT)


def survey_link_read(token: str) -> Survey:
    """The survey a valid link names (closed ones too: the page says so); ``NotFound`` for
    a forged or altered link, or one whose requester is gone."""
    try:
        data = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature as exc:
        raise NotFound(_("This link is invalid.")) from exc
    if not isinstance(data, dict):
        raise NotFound(_("This link is invalid."))
    survey = Survey.objects.select_related("requester", "team").filter(pk=data.get("s")).first()
    if survey is None or survey.requester_id != data.get("u") or not survey.requester.is_active:
        raise NotFound(_("This link is invalid."))
    return survey


def _throttle_key(address: str | None) -> str:
    return f"survey-link:{address or 'unknown'}"[:150]


def survey_answer_by_link(
    token: str, *, rating: object, comment: object, address: str | None, channel: str
) -> Survey:
    """Answer through the link, as its requester. Throttled per client address: after too
    many forged or refused tries, 429 (``Throttled``) before the token is even read."""
    key = _throttle_key(address)
    try:
        login_check(username=key, address=None)
    except Throttled as exc:  # the check's words are about signing in; this is a survey
        raise Throttled(
            _("Too many refused answers from your address; try again in %(minutes)s minutes.")
            % {"minutes": max(1, exc.retry_after // 60)},
            retry_after=exc.retry_after,
        ) from None
    try:
        survey = survey_link_read(token)
        actor = Actor(user=survey.requester, channel=channel)
        return survey_answer(actor, pk=survey.pk, rating=rating, comment=comment)
    except (NotFound, Conflict):
        login_failed(username=key, address=None)
        raise


@transaction.atomic
def survey_answer(actor: Actor, *, pk: int, rating: object, comment: object = "") -> Survey:
    """The requester rates (or rates again) while the survey is open; audited, noted on the
    record for its agents, announced as ``survey.answered``."""
    rating_value, text = clean_answer(rating, comment)
    survey = selectors.survey_for_update(pk)
    if survey is None or actor.user is None or survey.requester_id != actor.user.pk:
        raise NotFound()  # nobody else's to answer, and others' look absent
    now = timezone.now()
    if not workflow.is_open(survey, now):
        raise Conflict(
            _("This survey closed on %(date)s; it can no longer be answered.")
            % {"date": timezone.localtime(survey.closes_at).date().isoformat()}
        )
    before = audit.snapshot(survey, AUDITED)
    previous = survey.rating
    if previous == rating_value and survey.comment == text:
        return survey  # the same answer again: nothing changes
    survey.rating, survey.comment, survey.answered_at = rating_value, text, now
    survey.answer_count += 1
    survey.version += 1
    survey.save(update_fields=["rating", "comment", "answered_at", "answer_count", "version"])
    audit.record(actor, survey, before=before, after=audit.snapshot(survey, AUDITED))
    _note(survey, previous)
    outbox.emit(
        "survey.answered", survey, number=survey.number, rating=rating_value, previous=previous
    )
    return survey


def _note(survey: Survey, previous: int | None) -> None:
    """The answer as a work note on the record: agents read it in its timeline and API."""
    with translation.override(settings.LANGUAGE_CODE):
        if previous is None:
            body = _("Customer satisfaction: %(rating)s of 5.") % {"rating": survey.rating}
        else:
            body = _("Customer satisfaction changed from %(previous)s to %(rating)s of 5.") % {
                "previous": previous,
                "rating": survey.rating,
            }
        if survey.comment:
            body += "\n\n" + _("Comment: %(comment)s") % {"comment": survey.comment}
    system = Actor.system(NOTE_ACTOR)
    if survey.subject == Subject.INCIDENT:
        incident_services.incident_comment(system, number=survey.number, body=body, internal=True)
    else:
        catalog_services.request_comment(system, number=survey.number, body=body, internal=True)
