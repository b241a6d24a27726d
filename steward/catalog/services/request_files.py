"""Answers to attachment questions: the files become attachments of the new request.

The files go through the Foundation's one attachment path (``core.services.attachment_add``:
the size limit, the sniffed type, the safe name, the audit row, the ``attachment.added``
event), so a file given with an order is kept exactly like one attached to the request
later. Two ways to give them:

- uploaded with the order (the web form's file box): stored on the request;
- by id (the API): a file the person uploaded beforehand to their own profile
  (``POST /api/v1/attachments`` with ``target=user/<username>``) is moved onto the request,
  so nobody can hand in someone else's file or one already on a record.

The stored answer names each file (``id``, ``filename``, ``size``), so the request's page
links to it; whoever may see the request may download it (``core.selectors.attachment_get``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from steward.catalog.choices import FieldType
from steward.catalog.models import Request
from steward.core import audit, outbox, targets
from steward.core import services as core_services
from steward.core.actor import Actor
from steward.core.errors import DomainError, ValidationFailed
from steward.core.models import Attachment, User


def has_files(form: list[dict], answers: dict[str, Any]) -> bool:
    return any(f["type"] == FieldType.ATTACHMENT and f["key"] in answers for f in form)


def placeholders(form: list[dict], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with each attachment question's files left out (an empty list)."""
    attached = {f["key"] for f in form if f["type"] == FieldType.ATTACHMENT}
    return {k: ([] if k in attached else v) for k, v in answers.items()}


def _described(attachment: Attachment) -> dict[str, Any]:
    return {"id": str(attachment.pk), "filename": attachment.filename, "size": attachment.size}


def _staged(actor: Actor, key: str, ids: list[str]) -> dict[str, Attachment]:
    """The actor's own uploads on their own profile, by id; anything else is refused."""
    if actor.user is None:
        raise ValidationFailed.one(f"answers.{key}", _("only a person hands in uploaded files"))
    found = Attachment.objects.filter(
        pk__in=ids,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(actor.user.pk),
        uploaded_by=actor.user,
    ).select_for_update()
    staged = {str(a.pk): a for a in found}
    if len(staged) != len(set(ids)):
        raise ValidationFailed.one(
            f"answers.{key}", _("no such file of yours: upload it to your profile first")
        )
    return staged


def _move(actor: Actor, attachment: Attachment, request: Request) -> None:
    before = targets.ref_of(actor.user)
    attachment.content_type = ContentType.objects.get_for_model(Request)
    attachment.object_id = str(request.pk)
    attachment.save(update_fields=["content_type", "object_id"])
    after = targets.ref_of(request)
    audit.record(actor, attachment, before={"target": before}, after={"target": after})
    outbox.emit("attachment.added", attachment, target=after)


def discard(stored: list[Attachment]) -> None:
    """Remove the files of attachments whose rows rolled back with a refused order."""
    for attachment in stored:
        attachment.file.delete(save=False)


def store(
    actor: Actor,
    request: Request,
    form: list[dict],
    answers: dict[str, Any],
    *,
    stored: list[Attachment],
) -> dict[str, Any]:
    """The answers with each attachment question's files stored on ``request`` (inside the
    ordering transaction: a refused file refuses the order, naming the question). Each new
    attachment is appended to ``stored``: should the transaction roll back, for whatever
    reason, the caller removes their files (``discard``), which no rollback does."""
    result = dict(answers)
    for field in form:
        key = field["key"]
        if field["type"] != FieldType.ATTACHMENT or key not in answers:
            continue
        ids = [i for i in answers[key] if isinstance(i, str)]
        staged = _staged(actor, key, ids) if ids else {}
        kept = []
        for item in answers[key]:
            if isinstance(item, str):
                _move(actor, staged[item], request)
                kept.append(_described(staged[item]))
                continue
            try:
                attachment = core_services.attachment_add(
                    actor,
                    target=f"request/{request.number}",
                    upload=item,
                    filename=item.name or "",
                    size=item.size,
                )
            except DomainError as exc:
                name = getattr(item, "name", "") or "file"
                exc.fields = {
                    f"answers.{key}": [f"{name}: {m}" for ms in exc.fields.values() for m in ms]
                }
                raise
            stored.append(attachment)
            kept.append(_described(attachment))
        result[key] = kept
    return result
