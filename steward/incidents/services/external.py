"""An incident's external reference: the source system's key for it (decision 0094).

``external_id`` is unique per ``external_source`` and organisation of the incident when
given (``inc_external_ref_org``, a partial unique index leading with the id; amendment 6:
two customers' systems may share a source name and their keys, and one is not told of the
other's incidents). A row or a create without one is as before.
The import asks for a chunk's references in one statement (``existing``) and skips the
rows already imported; an API create with a reference already used answers that incident
(``create_or_existing``).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import BigIntegerField, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import Conflict, PermissionDenied, ValidationFailed
from steward.core.selectors import cached
from steward.core.selectors.scoping import sees_everything, served_organisation_ids
from steward.incidents import selectors
from steward.incidents.models import REFERENCE_SCOPE, Incident

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


def existing(refs: Collection[tuple[str, str, str]]) -> dict[tuple[str, str, str], str]:
    """The incident number of each ``(caller, source, external_id)`` of ``refs`` whose
    reference is already used in the caller's organisation (amendment 6: that of the
    incident the row would make; none, the incidents of none), in one statement (every
    pair as one JSON parameter; the callers' organisations joined). Nothing asked for none."""
    if not refs:
        return {}
    pairs = json.dumps(sorted({(external_id, caller) for caller, _, external_id in refs}))
    if connection.vendor == "postgresql":
        asked = "SELECT value->>0, value->>1 FROM json_array_elements(%s::json)"
    else:  # one parameter, however many rows (SQLite's limit is 32,766 parameters)
        asked = "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(%s)"
    users = get_user_model()._meta.db_table
    sql = (
        f"WITH asked(external_id, caller) AS ({asked})"  # noqa: S608 - constants, a model's table
        " SELECT asked.caller, i.external_source, i.external_id, i.number"
        f' FROM asked JOIN "{users}" u ON u.username = asked.caller'
        " JOIN incidents_incident i ON i.external_id = asked.external_id"
        " AND COALESCE(i.organisation_id, 0) = COALESCE(u.organisation_id, 0)"
        " WHERE i.external_id IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pairs])
        found = cursor.fetchall()
    return {(c, s, i): number for c, s, i, number in found if (c, s, i) in refs}


def _scope(actor: Actor, caller: Any) -> Any:
    """The organisation key (``REFERENCE_SCOPE``) of the incident a create would make: its
    caller's organisation, the actor's own without one. A caller not kept in memory is
    asked in the look-up's statement (a subquery: no statement more); one the actor may not
    see has no key, so nothing matches and the create names the caller."""
    if not caller:
        user = actor.user
        return 0 if user is None or user.organisation_id is None else user.organisation_id
    user = cached.user_by_username(actor, caller) if isinstance(caller, str) else None
    if user:
        return user.organisation_id or 0
    return Subquery(
        core_selectors.user_visible(actor)
        .filter(username=caller)
        .annotate(scope=Coalesce("organisation_id", 0, output_field=BigIntegerField()))
        .values("scope")[:1]
    )


def _refuse_unserved(actor: Actor, caller: Any) -> None:
    """An agent limited to organisations, making an incident of their own organisation that
    they do not serve (themselves its caller: every other caller they may name is of a
    served organisation or none), may give it no reference: whether one is used there would
    tell them of that organisation's incidents (a 409 for one used, a create for one not)."""
    user = actor.user
    if user is None or not user.organisation_id or (caller and caller != user.username):
        return
    if sees_everything(actor):
        return
    if user.organisation_id not in (served_organisation_ids(actor) or ()):
        raise ValidationFailed.one(
            "external_id", _("not for an incident of an organisation you do not serve")
        )


def _found(actor: Actor, source: str, external_id: str, scope: Any) -> Incident | None:
    match = Incident.objects.alias(scope=REFERENCE_SCOPE).filter(
        external_source=source, external_id=external_id, scope=scope
    )
    visible = selectors.incident_visible(actor).filter(pk__in=match.values("pk"))
    found = visible.first()
    if found is None and match.exists():
        # a racing create may have committed between the two reads (the first saw nothing,
        # the second its row): read it again before calling it another incident
        found = visible.first()
        if found is None:
            # used in this organisation by an incident this actor may not see: said, not shown
            raise Conflict(
                _("This external reference belongs to another incident."),
                fields={"external_id": ["already used"]},
            )
    return found


def create_or_existing(actor: Actor, create: Any, fields: dict[str, Any]) -> tuple[Any, bool]:
    """``create(**fields)``, or the incident ``fields``' external reference already names
    in the organisation the new incident would belong to (its caller's; ``False``: not
    created, nothing written). An actor who sees every organisation, with the pair used in
    two, is answered the one of that organisation. Two creates racing with one reference: the
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
    scope = _scope(actor, fields.get("caller"))
    _refuse_unserved(actor, fields.get("caller"))
    found = _found(actor, source, external_id, scope)
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            return create(**fields), True
    except IntegrityError:
        found = _found(actor, source, external_id, scope)
        if found is None:
            raise
        return found, False
