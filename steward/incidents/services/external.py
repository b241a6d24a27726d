"""An incident's external reference: the source system's key for it (decision 0094).

``external_id`` is unique per ``external_source`` when given (``inc_external_ref``, a
partial unique index leading with the id). A row or a create without one is as before.
The import asks for a chunk's references in one statement (``existing``) and skips the
rows already imported; an API create with a reference already used answers that incident
(``create_or_existing``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from steward.core.actor import Actor
from steward.core.errors import Conflict, PermissionDenied, ValidationFailed
from steward.incidents import selectors
from steward.incidents.models import Incident

SOURCE_MAX, ID_MAX = 40, 255
NONE: tuple[str, None] = ("", None)


class Skipped(NamedTuple):
    """An import row not written: its reference names ``number`` (an incident already
    there, or one the same batch made from an earlier row)."""

    row: int
    source: str
    external_id: str
    number: str


def reference(source: Any, external_id: Any) -> tuple[str, str | None]:
    """``(external_source, external_id)`` as stored: an id absent, ``None`` or blank is no
    reference (and any source with it is ignored); an id is text or a whole number, kept
    as sent but for surrounding blanks. A bad value raises naming its field."""
    if external_id is None:
        return NONE
    if external_id.__class__ is int:  # a JSON number; not bool (an int subclass)
        external_id = str(external_id)
    elif not isinstance(external_id, str):
        raise ValidationFailed.one("external_id", "must be text")
    external_id = external_id.strip()
    if not external_id:
        return NONE
    if len(external_id) > ID_MAX:
        raise ValidationFailed.one("external_id", f"at most {ID_MAX} characters")
    if source is None:
        return "", external_id
    if not isinstance(source, str):
        raise ValidationFailed.one("external_source", "must be text")
    source = source.strip()
    if len(source) > SOURCE_MAX:
        raise ValidationFailed.one("external_source", f"at most {SOURCE_MAX} characters")
    return source, external_id


def existing(refs: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The incident number of each reference of ``refs`` already used, in one statement
    (every source's ids together; the pairs matched here). Nothing asked for no refs."""
    if not refs:
        return {}
    ids = sorted({external_id for _, external_id in refs})
    if connection.vendor == "postgresql":
        sql = (
            "SELECT external_source, external_id, number FROM incidents_incident"
            " WHERE external_id IS NOT NULL AND external_id = ANY(%s)"
        )
        param: Any = ids
    else:  # one parameter, however many ids (SQLite's limit is 32,766 parameters)
        import json

        sql = (
            "SELECT external_source, external_id, number FROM incidents_incident"
            " WHERE external_id IS NOT NULL"
            " AND external_id IN (SELECT value FROM json_each(%s))"
        )
        param = json.dumps(ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        found = cursor.fetchall()
    return {(s, i): number for s, i, number in found if (s, i) in refs}


def _found(actor: Actor, source: str, external_id: str) -> Incident | None:
    match = Incident.objects.filter(external_source=source, external_id=external_id)
    found = selectors.incident_visible(actor).filter(pk__in=match.values("pk")).first()
    if found is None and match.exists():
        # used by an incident this actor may not see: said so, not shown
        raise Conflict(
            _("This external reference belongs to another incident."),
            fields={"external_id": ["already used"]},
        )
    return found


def create_or_existing(actor: Actor, create: Any, fields: dict[str, Any]) -> tuple[Any, bool]:
    """``create(**fields)``, or the incident ``fields``' external reference already names
    (``False``: not created, nothing written). Two creates racing with one reference: the
    loser's insert fails on the unique index inside its savepoint and it answers the
    winner's incident."""
    source, external_id = reference(fields.get("external_source"), fields.get("external_id"))
    if external_id is None:
        return create(**fields), True
    if not actor.is_agent:
        raise PermissionDenied(
            _("Requesters log incidents for themselves only."),
            fields={"external_id": ["agents only"]},
        )
    fields = {**fields, "external_source": source, "external_id": external_id}
    found = _found(actor, source, external_id)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return create(**fields), True
    except IntegrityError:
        found = _found(actor, source, external_id)
        if found is None:
            raise
        return found, False
