"""The administrators' survey settings: on or off, the sampled share, low-rating mail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from steward.core import audit
from steward.core.actor import Actor
from steward.core.errors import StaleVersion
from steward.core.services.common import require_admin
from steward.surveys import selectors
from steward.surveys.models import SurveySettings
from steward.surveys.services.validation import clean_settings

FIELDS = ("is_enabled", "sample_percent", "notify_low_ratings", "low_rating")


@transaction.atomic
def survey_settings_update(
    actor: Actor, *, changes: dict[str, Any], expected_version: int | None = None
) -> SurveySettings:
    """Change the settings (administrators only); audited with old and new values."""
    require_admin(actor, _("change the survey settings"))
    values = clean_settings(changes)
    config = SurveySettings.objects.select_for_update().order_by("id").first()
    if config is None:
        config = selectors.survey_settings()
        config.save()
    if expected_version is not None and expected_version != config.version:
        raise StaleVersion(current=config.version)
    before = audit.snapshot(config, FIELDS)
    for name, value in values.items():
        setattr(config, name, value)
    if audit.snapshot(config, FIELDS) != before:
        config.version += 1
        config.save()
        audit.record(actor, config, before=before, after=audit.snapshot(config, FIELDS))
    return config
