"""The portal's self-help journeys, for deflection (docs/knowledge.md, "Deflection").

A journey starts at a portal search or at "Report a problem"; for ``JOURNEY_WINDOW`` after
it, the last published article its person opens is noted on it, and a record they raise
marks it raised. Keyed by person, not by browser session: the window is the visit.
"""

from __future__ import annotations

from django.utils import timezone

from steward.catalog.models import Request
from steward.core import outbox
from steward.core.actor import Actor
from steward.core.models import OutboxMessage
from steward.incidents.models import Incident
from steward.knowledge.choices import JourneyStart
from steward.knowledge.models import Article, Journey
from steward.knowledge.selectors import JOURNEY_WINDOW

MAX_QUERY = 200


def journey_start(actor: Actor, *, start: str, query: str = "") -> Journey | None:
    """Note a search or a report start by a person (not the system); the query is kept
    trimmed. Agents trying the portal are counted too: they are people looking for help."""
    if actor.user is None or start not in JourneyStart.values:
        return None
    return Journey.objects.create(user=actor.user, start=start, query=query.strip()[:MAX_QUERY])


def _open_journeys(user_id: int, at=None):  # noqa: ANN001, ANN202 - a datetime; a queryset
    at = at or timezone.now()
    return Journey.objects.filter(
        user_id=user_id, started_at__gte=at - JOURNEY_WINDOW, started_at__lte=at
    )


def article_opened(actor: Actor, article: Article) -> int:
    """The article is the last one opened on the person's journeys still in their window
    (one UPDATE on that person's rows only)."""
    return _open_journeys(actor.user.pk).filter(raised="").update(article=article)


def record_raised(user_id: int, number: str, at) -> int:  # noqa: ANN001 - a datetime
    """A record raised by the person ends their open journeys as not deflected."""
    return _open_journeys(user_id, at).filter(raised="").update(raised=number[:16])


@outbox.consumer("incident.created")
def on_incident_created(event: OutboxMessage) -> None:
    incident = (
        Incident.objects.filter(pk=event.object_id)
        .values("caller_id", "number", "opened_at")
        .first()
    )
    if incident is not None and incident["caller_id"] is not None:
        record_raised(incident["caller_id"], incident["number"], incident["opened_at"])


@outbox.consumer("request.created")
def on_request_created(event: OutboxMessage) -> None:
    """Ordering from the catalogue is raising a record too: the journey was not deflected."""
    request = (
        Request.objects.filter(pk=event.object_id)
        .values("requester_id", "number", "created_at")
        .first()
    )
    if request is not None and request["requester_id"] is not None:
        record_raised(request["requester_id"], request["number"], request["created_at"])
