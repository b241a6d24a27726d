"""The administrators' survey settings: on or off, the sampled share, low-rating mail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from steward.core import audit
from steward.core.actor import Actor
from steward.core.errors import StaleVersion
from steward.core.services.common import require_admin
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
        # the first save makes the one row: two at once insert the same key, so the second
        # waits for the first, finds its row and locks it (not a second row nobody reads)
        SurveySettings.objects.get_or_create(pk=1)
        config = SurveySettings.objects.select_for_update().get(pk=1)
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
