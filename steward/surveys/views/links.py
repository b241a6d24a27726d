"""The "Rate" link surveys offer on a record's own page (decision 0128): registered with
``web.record_links`` when the app starts, so the incident and request pages show it
without importing surveys."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from steward.core.actor import Actor
from steward.core.selectors.timeline import format_date
from steward.surveys import selectors, services
from steward.surveys.choices import Subject
from steward.web.record_links import RecordLink


def rate_link(actor: Actor, kind: str, record_id: int) -> list[RecordLink]:
    """The reader's own survey about this record while it waits for an answer: the same
    signed page as the mail's link and the help centre's, with the day it closes."""
    if kind not in Subject.values:
        return []
    survey = selectors.survey_waiting_about(actor, subject=kind, subject_id=record_id)
    if survey is None:
        return []
    return [
        RecordLink(
            label=gettext("Rate %(number)s") % {"number": survey.number},
            url=reverse("surveys:rate", args=[services.survey_link_token(survey)]),
            # the closing day as every page writes a day, in the reader's zone
            note=gettext("until %(date)s")
            % {"date": format_date(timezone.localtime(survey.closes_at))},
        )
    ]
