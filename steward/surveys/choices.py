"""Survey enumerations: what was rated and the scale."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    REQUEST = "request", _("Request")


class Rating(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neither satisfied nor dissatisfied")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class SurveyState(models.TextChoices):
    WAITING = "waiting", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


SATISFIED = (Rating.SATISFIED, Rating.VERY_SATISFIED)  # counted as "satisfied" in the report
MAX_COMMENT = 2000
