"""Validation of article fields, called by every write path (create, update, from an
incident, the demo data): ``check_values`` is pure; ``clean_fields`` resolves references
as reads by the actor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.services.references import active_user, resolve_organisations
from steward.incidents import selectors as incident_selectors
from steward.knowledge.choices import Audience

MAX_TITLE = 200
MAX_BODY = 100_000


def _date(field: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed.one(field, _("a date as YYYY-MM-DD")) from exc


def check_values(values: dict[str, Any]) -> dict[str, Any]:
    """Title, body, audience and review date checked and normalised. Pure."""
    clean = dict(values)
    if "title" in clean:
        title = clean["title"].strip() if isinstance(clean["title"], str) else ""
        if not title or len(title) > MAX_TITLE or "\n" in title:
            raise ValidationFailed.one(
                "title",
                _("required, one line, at most %(max_title)s characters")
                % {"max_title": MAX_TITLE},
            )
        clean["title"] = title
    if "body" in clean:
        body = "" if clean["body"] is None else clean["body"]
        if not isinstance(body, str):
            raise ValidationFailed.one("body", _("must be text"))
        if len(body) > MAX_BODY:
            raise ValidationFailed.one(
                "body", _("at most %(limit)s characters") % {"limit": MAX_BODY}
            )
        clean["body"] = body.strip()
    if "audience" in clean and clean["audience"] not in Audience.values:
        raise ValidationFailed.one(
            "audience", _("one of %(value)s") % {"value": ", ".join(Audience.values)}
        )
    if "review_date" in clean:
        clean["review_date"] = _date("review_date", clean["review_date"])
    return clean


def _category(value: Any) -> Any:
    """An active incident category or subcategory by slug (one list for both apps)."""
    if value in (None, ""):
        return None
    found = {c.slug: c for c in incident_selectors.category_list()}.get(str(value))
    if found is None:
        raise ValidationFailed.one("category", _("no category %(value)s") % {"value": repr(value)})
    return found


def clean_fields(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Validated values, references resolved to rows the actor may see; an owner is an agent."""
    clean = check_values(values)
    if "category" in clean:
        clean["category"] = _category(clean["category"])
    resolve_organisations(actor, clean)
    if "owner" in clean:
        owner = active_user(actor, "owner", clean["owner"], agent=True)
        if owner is None:
            raise ValidationFailed.one("owner", _("required: an agent"))
        clean["owner"] = owner
    return clean
