"""A reply to the caller or an agent's internal work note on an incident."""

from __future__ import annotations

from django.db import transaction

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.models import Comment
from steward.core.services import comment_add
from steward.incidents import selectors
from steward.incidents.services import search_index
from steward.sla import services as sla


@transaction.atomic
def incident_comment(actor: Actor, *, number: str, body: str, internal: bool = False) -> Comment:
    """A reply to the caller or an internal work note; an agent's first reply is the response."""
    incident = selectors.incident_for_update(actor, number=number)
    comment = comment_add(actor, target=incident, body=body, internal=internal)
    search_index.reindex([incident.pk])  # the reply or note is searchable once committed
    if (
        actor.is_agent
        and not internal
        and incident.first_response_at is None
        and actor.user is not None
        and actor.user.pk != incident.caller_id
    ):
        incident.first_response_at = comment.created_at
        incident.save(update_fields=["first_response_at"])
        sla.clock_stop(actor, incident, kind="response", at=comment.created_at)
        audit.record(
            actor,
            incident,
            before={"first_response_at": None},
            after={"first_response_at": comment.created_at.isoformat()},
        )
    outbox.emit(
        "incident.commented",
        incident,
        number=incident.number,
        comment=comment.pk,
        internal=internal,
    )
    return comment
