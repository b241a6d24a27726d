"""Satisfaction surveys: one per invited resolution, and the administrators' settings."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from steward.core.models import Organisation, Team
from steward.surveys.choices import Rating, Subject


class SurveySettings(models.Model):
    """Whether requesters are asked at all, which share of resolutions, and who hears of a
    low rating (business configuration, edited by administrators; one row)."""

    is_enabled = models.BooleanField(default=True)
    sample_percent = models.PositiveSmallIntegerField(
        default=100, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    notify_low_ratings = models.BooleanField(default=True)
    low_rating = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "survey settings"

    def __str__(self) -> str:
        return "Survey settings"


class Survey(models.Model):
    """A requester asked to rate one resolution of an incident (or a completed request):
    answerable, and changeable, until ``closes_at``."""

    # the resolution it asks about (the outbox event that announced it): one survey each
    key = models.CharField(max_length=100, unique=True)
    subject = models.CharField(max_length=20, choices=Subject.choices)
    subject_id = models.BigIntegerField()
    number = models.CharField(max_length=30)
    title = models.CharField(max_length=300, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="surveys"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="surveys"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True, choices=Rating.choices)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_count = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["subject", "subject_id", "invited_at"], name="survey_subject"),
            models.Index(fields=["requester", "closes_at"], name="survey_requester"),
            models.Index(fields=["invited_at", "team"], name="survey_invited"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="survey_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.key})"
