"""Survey mail through the outbox: a resolution invites its requester (once: the survey is
made once per resolution event, its mail queued once per survey), and a low rating tells
the team lead (once per survey). Each in its reader's language and time zone."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from steward.core import mail, outbox
from steward.core.actor import Actor
from steward.core.models import OutboxMessage
from steward.surveys import selectors, services
from steward.surveys.models import Survey

INVITATION = "survey_invitation"
LOW_RATING = "survey_low_rating"
SYSTEM = "satisfaction surveys"


@outbox.consumer("incident.resolved")
def invite_for_incident(event: OutboxMessage) -> None:
    services.survey_invite_for_incident(
        Actor.system(SYSTEM), incident_id=int(event.object_id), key=f"incident:{event.pk}"
    )


@outbox.consumer("request.completed")
def invite_for_request(event: OutboxMessage) -> None:
    services.survey_invite_for_request(
        Actor.system(SYSTEM), request_id=int(event.object_id), key=f"request:{event.pk}"
    )


def link_of(survey: Survey) -> str:
    return settings.BASE_URL + reverse("surveys:rate", args=[services.survey_link_token(survey)])


@outbox.consumer("survey.invited")
def mail_invitation(event: OutboxMessage) -> None:
    survey = Survey.objects.select_related("requester").filter(pk=event.object_id).first()
    if survey is None or survey.rating is not None:
        return
    requester = survey.requester
    addresses = mail.recipients([requester])
    if not addresses:
        return  # no address, or no mail wanted: the portal still asks
    context = {"survey": survey, "link": link_of(survey), "requester": requester}
    # the closing day in the requester's zone and words in their language
    with timezone.override(mail.zone_of(requester)):
        subject, text = mail.render(
            "surveys/email/invitation.txt", context, language=mail.language_of(requester)
        )
    mails = [
        mail.Mail(
            recipient=address,
            subject=f"[{survey.number}] {subject}",
            body=text.strip() + "\n",
            headers={"X-Steward-Survey": str(survey.pk)},
        )
        for address in addresses
    ]
    # one invitation per survey, whichever delivery of whichever event queues it
    mail.queue(key=f"survey:{survey.pk}", kind=INVITATION, record=survey, mails=mails)


@outbox.consumer("survey.answered")
def mail_low_rating(event: OutboxMessage) -> None:
    config = selectors.survey_settings()
    rating = event.payload.get("rating")
    if not config.notify_low_ratings or not isinstance(rating, int) or rating > config.low_rating:
        return
    survey = (
        Survey.objects.select_related("team__lead", "requester").filter(pk=event.object_id).first()
    )
    if survey is None or survey.rating is None or survey.rating > config.low_rating:
        return  # changed to a better rating before the worker came to this answer
    lead = survey.team.lead if survey.team is not None else None
    if lead is None or not selectors.survey_visible(Actor(user=lead)).filter(pk=survey.pk).exists():
        return
    addresses = mail.recipients([lead])
    if not addresses:
        return
    context = {
        "survey": survey,
        "rating": rating,
        "url": settings.BASE_URL + reverse("surveys:detail", args=[survey.pk]),
    }
    with timezone.override(mail.zone_of(lead)):
        subject, text = mail.render(
            "surveys/email/low_rating.txt", context, language=mail.language_of(lead)
        )
    mails = [
        mail.Mail(recipient=a, subject=f"[{survey.number}] {subject}", body=text.strip() + "\n")
        for a in addresses
    ]
    # once per survey: a requester changing 1 to 2 does not mail the lead again
    mail.queue(key=f"survey-low:{survey.pk}", kind=LOW_RATING, record=survey, mails=mails)
