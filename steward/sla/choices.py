"""Enumerations of the SLA engine."""

from django.db import models


class ClockKind(models.TextChoices):
    RESPONSE = "response", "Response"
    RESOLUTION = "resolution", "Resolution"


class ClockState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    STOPPED = "stopped", "Stopped"


class Threshold(models.TextChoices):
    WARNING = "warning", "Warning"
    BREACH = "breach", "Breach"
