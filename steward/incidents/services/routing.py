"""Which team a requester's new incident goes to when nobody named one: the category's
default team (the subcategory's first), else the affected service's support team, else the
service desk (``settings.STEWARD_SERVICE_DESK_TEAM``, by default the team ``service-desk``)."""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings

from steward.core.models import Team
from steward.core.selectors import cached
from steward.incidents.models import Category

SERVICE_DESK_SLUG = "service-desk"


def service_desk_team() -> Team | None:
    slug = getattr(settings, "STEWARD_SERVICE_DESK_TEAM", SERVICE_DESK_SLUG)
    # kept per process under the TEAMS stamp (decision 0061)
    return cached.any_team_by_slug(slug) if slug else None


def routed_team(
    *, category: Category | None, subcategory: Category | None, service: Any = None
) -> Team | None:
    """The team by rule, or ``None`` when no rule gives one (the incident stays new)."""
    for cat in (subcategory, category):
        if cat is not None and cat.default_team_id is not None:
            # a copy: a category's kept row shares its joined team (decision 0061)
            return copy.copy(cat.default_team)
    if service is not None and getattr(service, "support_team_id", None) is not None:
        return service.support_team
    return service_desk_team()
