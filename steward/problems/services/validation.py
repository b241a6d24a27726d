"""Validation of problem fields, called by every write path (create, update, and the demo
data through them) before anything is written: ``check_values`` is pure (text, levels);
``clean_fields`` adds the references, resolved as reads by the actor."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from steward.cmdb import selectors as cmdb_selectors
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.services.common import unknown_ci
from steward.core.services.references import (
    active_team,
    active_user,
    not_in_team,
    resolve_organisations,
)
from steward.incidents import selectors as incident_selectors
from steward.problems.models import Problem

TEXT_LIMITS = {
    "description": 100_000,
    "root_cause": 20_000,
    "workaround": 20_000,
    "resolution_notes": 20_000,
}


def _level(field: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 3:
        raise ValidationFailed.one(field, _("must be 1 (high), 2 (medium) or 3 (low)"))
    return value


def _ci(actor: Actor, field: str, value: Any) -> Any:
    """A CI the actor may see, by its number (the CMDB is the reference)."""
    if value in (None, ""):
        return None
    number = str(value).strip().upper()
    ci = cmdb_selectors.ci_visible(actor).filter(number=number).first()
    if ci is None:
        raise unknown_ci(field, value)
    return ci


def _category(value: Any) -> Any:
    """An active incident category or subcategory by slug (shared with incidents, so known
    errors match incidents by it)."""
    if value in (None, ""):
        return None
    found = {c.slug: c for c in incident_selectors.category_list()}.get(str(value))
    if found is None:
        raise ValidationFailed.one("category", _("no category %(value)s") % {"value": repr(value)})
    return found


def check_values(values: dict[str, Any]) -> dict[str, Any]:
    """The plain values checked and normalised (title, texts, impact and urgency); references
    are left as given. Pure: no database, no actor."""
    clean = dict(values)
    if "title" in clean:
        title = (clean["title"] or "").strip() if isinstance(clean["title"], str) else ""
        if not title or len(title) > 200:
            raise ValidationFailed.one("title", _("required, at most 200 characters"))
        clean["title"] = title
    for field, limit in TEXT_LIMITS.items():
        if field in clean:
            text = clean[field]
            if text is None:
                text = ""
            if not isinstance(text, str):
                raise ValidationFailed.one(field, _("must be text"))
            text = text.strip()
            if len(text) > limit:
                raise ValidationFailed.one(
                    field, _("at most %(limit)s characters") % {"limit": limit}
                )
            clean[field] = text
    for field in ("impact", "urgency"):
        if field in clean:
            clean[field] = _level(field, clean[field])
    return clean


def clean_fields(actor: Actor, values: dict[str, Any], problem: Problem | None) -> dict[str, Any]:
    """Validated values, references resolved to rows the actor may see."""
    clean = check_values(values)
    if "category" in clean:
        clean["category"] = _category(clean["category"])
    resolve_organisations(actor, clean)
    for field in ("affected_service", "configuration_item"):
        if field in clean:
            clean[field] = _ci(actor, field, clean[field])
    if "team" in clean:
        clean["team"] = active_team(actor, "team", clean["team"])
    if "assignee" in clean:
        clean["assignee"] = active_user(actor, "assignee", clean["assignee"], agent=True)
    team = clean.get("team", problem.team if problem else None)
    assignee = clean.get("assignee", problem.assignee if problem else None)
    if (
        ("team" in clean or "assignee" in clean)
        and team is not None
        and assignee is not None
        and not team.members.filter(pk=assignee.pk).exists()
    ):
        raise not_in_team(team)
    return clean
