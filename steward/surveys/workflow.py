"""A survey's life is its clock, not people's moves: waiting until answered, answered
(and still changeable), closed once ``closes_at`` has passed, whatever it held."""

from __future__ import annotations

import datetime as dt

from steward.surveys.choices import SurveyState
from steward.surveys.models import Survey


def state_of(survey: Survey, now: dt.datetime) -> str:
    """Where ``survey`` stands at ``now``."""
    if now >= survey.closes_at:
        return SurveyState.CLOSED
    return SurveyState.ANSWERED if survey.rating is not None else SurveyState.WAITING


def is_open(survey: Survey, now: dt.datetime) -> bool:
    """Whether the requester may still answer, or change their answer."""
    return now < survey.closes_at
