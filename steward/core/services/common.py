"""Helpers shared by services: version checks, reference resolution, new slugs."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from steward.core.errors import PermissionDenied, StaleVersion, ValidationFailed


def check_version(obj: models.Model, expected: int | None) -> None:
    """``expected`` None means the client opted out of optimistic concurrency."""
    if expected is not None and obj.version != expected:
        raise StaleVersion(current=obj.version)


def bump_version(obj: models.Model, fields: list[str]) -> None:
    """Save ``fields`` plus the incremented version, and read the new version back."""
    obj.version = F("version") + 1
    update = [*fields, "version"]
    if any(f.name == "updated_at" for f in obj._meta.fields):
        update.append("updated_at")
    obj.save(update_fields=update)
    obj.refresh_from_db(fields=["version"])


def resolve_ref(qs: models.QuerySet, field: str, value: Any, *, key: str, label: str) -> Any:
    """A referenced row the actor may see, or a 422 naming the field (absent = invisible)."""
    if value in (None, ""):
        return None
    obj = qs.filter(**{key: value}).first()
    if obj is None:
        raise unknown_ref(field, label, value)
    return obj


def unknown_ref(field: str, label: str, value: Any) -> ValidationFailed:
    """The 422 for a reference that names no row the actor may see: "no user 'bob'"."""
    return ValidationFailed.one(field, unknown_ref_message(label, value))


def unknown_ref_message(label: str, value: Any) -> str:
    """``unknown_ref``'s message, for a caller that gathers several (a bulk row's)."""
    shown = repr(value)
    if len(shown) > SHOWN_VALUE_LIMIT:
        # a refusal names the value so a typo is seen, not a megabyte echoed back
        shown = shown[: SHOWN_VALUE_LIMIT - 1] + "…"
    return _("no %(label)s %(value)s") % {"label": label, "value": shown}


SHOWN_VALUE_LIMIT = 80


def reject_unknown(changes: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed({name: ["not an editable field"] for name in unknown})


def new_slug(model: type[models.Model], *, slug: str, name: str, noun: str) -> str:
    """A new row's slug (from its name when none is given); refused if it or the name is taken."""
    slug = slugify(slug or name)[:60]
    if not slug:
        raise ValidationFailed.one("slug", _("needs letters or digits"))
    if model._default_manager.filter(slug=slug).exists():
        raise ValidationFailed.one(
            "slug", _("a %(noun)s with this slug already exists") % {"noun": noun}
        )
    if model._default_manager.filter(name=name).exists():
        raise ValidationFailed.one(
            "name", _("a %(noun)s with this name already exists") % {"noun": noun}
        )
    return slug


def require_admin(actor: Any, what: str) -> None:
    """Refuse anyone but an administrator; ``what`` finishes "Only administrators may …"."""
    if not actor.is_admin:
        raise PermissionDenied(_("Only administrators may %(what)s.") % {"what": what})


def clean_required_text(
    values: dict[str, Any], errors: dict[str, list[str]], field: str, *, max_length: int
) -> None:
    """Strip ``values[field]`` when given; note an error when it is blank or too long."""
    if field not in values:
        return
    values[field] = (values[field] or "").strip()
    if not values[field] or len(values[field]) > max_length:
        errors[field] = [
            _("required, at most %(max_length)s characters") % {"max_length": max_length}
        ]
