"""Helpers shared by core services: version checks and reference resolution."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F

from steward.core.errors import StaleVersion, ValidationFailed


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
        raise ValidationFailed.one(field, f"no {label} {value!r}")
    return obj


def reject_unknown(changes: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed({name: ["not an editable field"] for name in unknown})
