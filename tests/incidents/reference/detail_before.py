"""The incident page's reads as main made them before decision 0063 (model querysets
compiled per request), kept to check that the compiled reads show the same page."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from steward.core.actor import Actor
from steward.core.models import Attachment, AuditEntry
from steward.core.pagination import Page, paginate
from steward.core.selectors import timeline as core_timeline
from steward.incidents.models import Incident
from steward.incidents.selectors import incident_comments, incident_get


def incident_page(actor: Actor, *, number: str) -> Incident:
    return incident_get(actor, number=number)


def incident_timeline(actor: Actor, incident: Incident) -> list:
    return core_timeline.record_timeline(
        actor, incident, comments=incident_comments(actor, incident)
    )


def history(obj: models.Model) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return list(
        AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-id")[: core_timeline.HISTORY_LIMIT]
    )


def names(model: type[models.Model], ids: list) -> dict[Any, str]:
    return {row.pk: str(row) for row in model._default_manager.filter(pk__in=ids)}


def record_attachment_page(
    record: models.Model, *, cursor: str | None = None, limit: int | None = None
) -> Page:
    qs = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    ).select_related("uploaded_by")
    return paginate(qs, order=("created_at", "id"), cursor=cursor, limit=limit)


def install(monkeypatch) -> None:  # noqa: ANN001
    """The page's reads as before, in place of the compiled ones."""
    from steward.core import selectors as core_selectors
    from steward.incidents import selectors

    monkeypatch.setattr(selectors, "incident_page", incident_page)
    monkeypatch.setattr(selectors, "incident_timeline", incident_timeline)
    monkeypatch.setattr(core_timeline, "_history", history)
    monkeypatch.setattr(core_timeline, "_names", names)
    monkeypatch.setattr(core_selectors, "record_attachment_page", record_attachment_page)
