"""Checking problem field values and references as reads by the actor, before any write."""

from __future__ import annotations

from typing import Any

from steward.cmdb import selectors as cmdb_selectors
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.services.common import resolve_ref
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
        raise ValidationFailed.one(field, "must be 1 (high), 2 (medium) or 3 (low)")
    return value


def _ci(actor: Actor, field: str, value: Any) -> Any:
    """A CI the actor may see, by its number (the CMDB is the reference)."""
    if value in (None, ""):
        return None
    number = str(value).strip().upper()
    ci = cmdb_selectors.ci_visible(actor).filter(number=number).first()
    if ci is None:
        raise ValidationFailed.one(field, f"no CI {number!r}")
    return ci


def _category(value: Any) -> Any:
    """An active incident category or subcategory by slug (shared with incidents, so known
    errors match incidents by it)."""
    if value in (None, ""):
        return None
    found = {c.slug: c for c in incident_selectors.category_list()}.get(str(value))
    if found is None:
        raise ValidationFailed.one("category", f"no category {value!r}")
    return found


def clean_fields(actor: Actor, values: dict[str, Any], problem: Problem | None) -> dict[str, Any]:
    """Validated values, references resolved to rows the actor may see."""
    clean = dict(values)
    if "title" in clean:
        title = (clean["title"] or "").strip() if isinstance(clean["title"], str) else ""
        if not title or len(title) > 200:
            raise ValidationFailed.one("title", "required, at most 200 characters")
        clean["title"] = title
    for field, limit in TEXT_LIMITS.items():
        if field in clean:
            text = clean[field]
            if text is None:
                text = ""
            if not isinstance(text, str):
                raise ValidationFailed.one(field, "must be text")
            text = text.strip()
            if len(text) > limit:
                raise ValidationFailed.one(field, f"at most {limit} characters")
            clean[field] = text
    for field in ("impact", "urgency"):
        if field in clean:
            clean[field] = _level(field, clean[field])
    if "category" in clean:
        clean["category"] = _category(clean["category"])
    if "organisation" in clean:
        clean["organisation"] = resolve_ref(
            core_selectors.organisation_visible(actor),
            "organisation",
            clean["organisation"],
            key="slug",
            label="organisation",
        )
    for field in ("affected_service", "configuration_item"):
        if field in clean:
            clean[field] = _ci(actor, field, clean[field])
    if "team" in clean:
        clean["team"] = resolve_ref(
            core_selectors.team_visible(actor).filter(is_active=True),
            "team",
            clean["team"],
            key="slug",
            label="team",
        )
    if "assignee" in clean:
        clean["assignee"] = resolve_ref(
            core_selectors.user_visible(actor).filter(is_active=True),
            "assignee",
            clean["assignee"],
            key="username",
            label="user",
        )
        if clean["assignee"] is not None and not clean["assignee"].is_agent:
            raise ValidationFailed.one("assignee", "is not an agent")
    team = clean.get("team", problem.team if problem else None)
    assignee = clean.get("assignee", problem.assignee if problem else None)
    if (
        ("team" in clean or "assignee" in clean)
        and team is not None
        and assignee is not None
        and not team.members.filter(pk=assignee.pk).exists()
    ):
        raise ValidationFailed.one("assignee", f"is not a member of team {team.slug}")
    return clean
