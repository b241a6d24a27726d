"""CMDB write use cases for relationships: relate two CIs and unrelate them. Audited on the
relationship and on both its CIs (so each CI's past shows the link); emits outbox events."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from steward.cmdb import selectors
from steward.cmdb.models import Relationship, RelationshipType
from steward.cmdb.services import history
from steward.cmdb.services.cis import require_write
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import ValidationFailed
from steward.core.services.common import unknown_ci_message


@transaction.atomic
def relationship_create(
    actor: Actor,
    *,
    source: str,
    target: str,
    type: str,  # noqa: A002 - the API's name
) -> Relationship:
    """Relate two visible CIs; never a CI to itself, never the same triple twice."""
    require_write(actor)
    found = selectors.ci_choices(actor, {source, target} - {""})
    errors: dict[str, list[str]] = {}
    for name, number in (("source", source), ("target", target)):
        if number not in found:
            errors[name] = [unknown_ci_message(number)]
    rel_type = RelationshipType.objects.filter(slug=type).first()
    if rel_type is None:
        slugs = ", ".join(t.slug for t in selectors.relationship_types())
        errors["type"] = [_("one of %(value)s") % {"value": slugs}]
    if not errors and source == target:
        errors["target"] = [_("a CI cannot be related to itself")]
    if errors:
        raise ValidationFailed(errors)
    src, dst = found[source], found[target]
    taken = ValidationFailed.one(
        "target",
        _("%(source)s already %(slug)s %(target)s")
        % {"source": source, "slug": rel_type.slug, "target": target},
    )
    if Relationship.objects.filter(source=src, target=dst, type=rel_type).exists():
        raise taken
    try:
        # a savepoint: a concurrent create of the same triple (a discovery script's retry
        # while the first is still running) passes the check above and meets the unique
        # constraint here, a 422 like the check's, not a 500
        with transaction.atomic():
            relationship = Relationship.objects.create(source=src, target=dst, type=rel_type)
    except IntegrityError:
        raise taken from None
    audit.record(
        actor,
        relationship,
        action=AuditAction.CREATE,
        after={"source": src.number, "target": dst.number, "type": rel_type.slug},
    )
    history.record_link(actor, relationship, added=True)  # so each CI's past shows it
    outbox.emit(
        "relationship.created",
        relationship,
        source=src.number,
        target=dst.number,
        type=rel_type.slug,
    )
    return relationship


@transaction.atomic
def relationship_delete(actor: Actor, *, relationship_id: int) -> None:
    """Remove a relationship between two visible CIs; audited with what it linked."""
    relationship = selectors.relationship_get(
        actor, relationship_id=relationship_id, for_update=True
    )
    require_write(actor)
    before = {
        "source": relationship.source.number,
        "target": relationship.target.number,
        "type": relationship.type.slug,
    }
    audit.record(actor, relationship, action=AuditAction.DELETE, before=before)
    history.record_link(actor, relationship, added=False)
    outbox.emit("relationship.deleted", relationship, **before)
    relationship.delete()
