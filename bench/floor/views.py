"""What a plain Django view pays for the same rows: no authentication, no validation, no rules.

``insert`` writes what Steward's create makes durable (the incident row, its audit entry and
its outbox row) in one transaction, with the ORM as any Django app would; ``read`` returns
one incident's columns by number as JSON. Both go through the same middleware as Steward.
"""

from __future__ import annotations

import json
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from steward.core.models import AuditEntry, OutboxMessage, User
from steward.incidents.models import Incident

_cache: dict[str, int] = {}


def _ids() -> tuple[int, int]:
    """The admin's id and the incident content type: looked up once per process."""
    if not _cache:
        _cache["user"] = User.objects.only("id").get(username="admin").id
        _cache["type"] = ContentType.objects.get_for_model(Incident).id
    return _cache["user"], _cache["type"]


@csrf_exempt
def insert(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    user_id, type_id = _ids()
    number = "F" + uuid.uuid4().hex[:15]
    with transaction.atomic():
        incident = Incident.objects.create(
            number=number,
            title=body["title"],
            description=body.get("description", ""),
            caller_id=user_id,
            impact=body.get("impact", 3),
            urgency=body.get("urgency", 3),
            opened_at=timezone.now(),
        )
        AuditEntry.objects.create(
            actor_id=user_id,
            actor_label="admin",
            channel="api",
            content_type_id=type_id,
            object_id=str(incident.pk),
            object_repr=number,
            action="create",
            changes={"title": [None, incident.title]},
        )
        OutboxMessage.objects.create(
            topic="incident.created", object_type="incidents.incident", object_id=str(incident.pk)
        )
    return JsonResponse({"number": number, "title": incident.title}, status=201)


def read(request: HttpRequest, number: str) -> JsonResponse:
    row = Incident.objects.filter(number=number).values().first()
    if row is None:
        return JsonResponse({"detail": "not found"}, status=404)
    return JsonResponse(row)
