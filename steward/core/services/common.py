"""Helpers shared by services: version checks, reference resolution, new slugs."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from steward.core.errors import PermissionDenied, StaleVersion, ValidationFailed

_PG_KEY = re.compile(r"Key \((.*?)\)=\(")


def unique_field(model: type[models.Model], exc: IntegrityError, names: list[str]) -> str | None:
    """Which of ``names`` (fields of ``model``) a unique violation ``exc`` is about, or None
    (another integrity error). SQLite names the columns (``core_team.name``) or the
    constraint (``index 'rule_name_upper_unique'``); PostgreSQL the constraint and, in its
    detail, the key (``Key (name)=(Desk)``, ``Key (upper(name::text))=(DESK)``)."""
    text = str(exc)
    if "UNIQUE" not in text.upper():
        return None
    table = model._meta.db_table
    keys = " ".join(_PG_KEY.findall(text))
    for name in names:
        column = model._meta.get_field(name).column
        if f"{table}.{column}" in text or re.search(rf"\b{re.escape(column)}\b", keys):
            return name
        for constraint in model._meta.constraints:
            involved = list(getattr(constraint, "fields", ())) or [
                str(e) for e in getattr(constraint, "expressions", ())
            ]
            if constraint.name in text and any(f == name or f"F({name})" in f for f in involved):
                return name
    return None


@contextmanager
def unique_or_refused(
    model: type[models.Model],
    messages: Mapping[str, str],
    *,
    named: Mapping[str, str] | None = None,
) -> Iterator[None]:
    """A write checked its unique values (a name, a slug) and then inserted: a concurrent
    write of the same value passed the same check, and the database's unique constraint
    refuses the second. That is the 422 with ``messages[field]``, naming the field (or
    ``named[field]``: a slug made from the name is the name's refusal), not a 500; the
    savepoint keeps the caller's transaction usable."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        field = unique_field(model, exc, list(messages))
        if field is None:
            raise
        shown = (named or {}).get(field, field)
        raise ValidationFailed.one(shown, messages[field]) from None


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


def unknown_ci(field: str, value: Any) -> ValidationFailed:
    """The 422 for a service or configuration item typed into a record's field that names
    none the actor may see (``unknown_ci_message``); ``affected_service`` asks for a service."""
    return ValidationFailed.one(
        field, unknown_ci_message(value, service=field == "affected_service")
    )


def unknown_ci_message(value: Any, *, service: bool = False) -> str:
    """A typed service or CI that names none the actor may see, in plain words a requester
    understands (not "no CI 'X'"): the thing asked for, the text as typed (not upper-cased
    as a CI number is looked up), and the way out. One sentence for every channel: a web
    form with suggestions, a form without, the API and a CSV import's row all say it, so
    it points at what was typed, not at suggestions only a form shows."""
    shown = str(value).strip()
    if len(shown) > SHOWN_VALUE_LIMIT:
        shown = shown[: SHOWN_VALUE_LIMIT - 1] + "…"
    if service:
        message = _("No service is named “%(value)s”. Check the name or number.")
    else:
        message = _("No configuration item is named “%(value)s”. Check the name or number.")
    return message % {"value": shown}


def reject_unknown(changes: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed({name: ["not an editable field"] for name in unknown})


def new_slug(model: type[models.Model], *, slug: str, name: str, taken: Mapping[str, str]) -> str:
    """A new row's slug (from its name when none is given); refused if it or the name is
    taken, with ``taken["slug"]`` or ``taken["name"]``: whole sentences the caller writes
    for its own noun, as it hands ``unique_or_refused`` around the insert (so the check and
    the database's constraint say the same). Not one sentence with the noun put in: the
    noun stayed English in it, and German's article and case follow the noun."""
    slug = slugify(slug or name)[:60]
    if not slug:
        raise ValidationFailed.one("slug", _("needs letters or digits"))
    if model._default_manager.filter(slug=slug).exists():
        raise ValidationFailed.one("slug", taken["slug"])
    if model._default_manager.filter(name=name).exists():
        raise ValidationFailed.one("name", taken["name"])
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
