"""Activity on any record: comments (replies and work notes) and attachments."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from typing import IO, Protocol

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.db import models, transaction

from steward.core import audit, files, markup, outbox, targets
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import DomainError, PayloadTooLarge, PermissionDenied, ValidationFailed
from steward.core.models import Attachment, Comment, Team, User

MAX_COMMENT = 65_536


@transaction.atomic
def comment_add(
    actor: Actor, *, target: models.Model | str, body: str, internal: bool = False
) -> Comment:
    """Add a public reply or an internal work note; only agents write work notes."""
    obj = targets.resolve(actor, target) if isinstance(target, str) else target
    comment = new_comment(actor, obj, body, internal)
    comment.save()
    audit.record(
        actor,
        comment,
        action=AuditAction.CREATE,
        after={"target": targets.ref_of(obj), "internal": internal},
    )
    outbox.emit("comment.added", comment, target=targets.ref_of(obj), internal=internal)
    return comment


def new_comment(actor: Actor, obj: models.Model, body: str, internal: bool) -> Comment:
    """A comment checked and built, not saved (``comment_add`` and the batched path)."""
    body = (body or "").strip()
    if not body:
        raise ValidationFailed.one("body", "must not be empty")
    if len(body) > MAX_COMMENT:
        raise ValidationFailed.one("body", f"at most {MAX_COMMENT} characters")
    if internal and not actor.is_agent:
        raise PermissionDenied(
            "Only agents write internal work notes.", fields={"internal": ["agents only"]}
        )
    return Comment(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        author=actor.user,
        body=body,
        body_html=markup.render(body),
        internal=internal,
        channel=actor.channel,
    )


def _may_attach(actor: Actor, obj: models.Model) -> bool:
    """A user's profile takes files from the user and administrators, a team's from its
    lead and administrators; any other record from whoever may see it."""
    if actor.is_system or actor.is_admin:
        return True
    if isinstance(obj, User):
        return actor.user is not None and obj.pk == actor.user.pk
    if isinstance(obj, Team):
        return actor.user is not None and obj.lead_id == actor.user.pk
    return True


@transaction.atomic
def attachment_add(
    actor: Actor, *, target: str, upload: IO[bytes], filename: str, size: int
) -> Attachment:
    """Store a file on a record the actor may see; type sniffed, name made safe."""
    obj = targets.resolve(actor, target) if actor.is_system or actor.has_scope("write") else None
    attachment = new_attachment(actor, obj, upload, filename, size)
    attachment.save()
    audit.record(
        actor,
        attachment,
        action=AuditAction.CREATE,
        after=attachment_audit(obj, attachment),
    )
    outbox.emit("attachment.added", attachment, target=targets.ref_of(obj))
    return attachment


def attachment_audit(obj: models.Model, attachment: Attachment) -> dict:
    return {
        "target": targets.ref_of(obj),
        "filename": attachment.filename,
        "size": attachment.size,
        "sha256": attachment.sha256,
    }


def new_attachment(
    actor: Actor, obj: models.Model | None, upload: IO[bytes], filename: str, size: int
) -> Attachment:
    """An attachment checked, its file stored, its row built and not saved (``attachment_add``
    and the batched path)."""
    if obj is None or (not actor.is_system and not actor.has_scope("write")):
        raise PermissionDenied("This token may not write.")
    if not _may_attach(actor, obj):
        raise PermissionDenied(
            "Only the user, the team lead and administrators attach files here.",
            fields={"target": ["not yours to attach to"]},
        )
    if size > settings.MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(
            f"File is larger than the limit of {settings.MAX_UPLOAD_BYTES} bytes.",
            fields={"file": ["too large"]},
        )
    if size == 0:
        raise ValidationFailed.one("file", "is empty")
    upload.seek(0)
    head = upload.read(8192)
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        filename=files.safe_filename(filename),
        media_type=files.sniff(head),
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
    )
    # The stored name is random: the client's name never reaches the file system.
    attachment.file.save(uuid.uuid4().hex, File(upload), save=False)
    return attachment


class Upload(Protocol):
    """An uploaded file as Django hands it over: a readable stream with a name and a size."""

    name: str | None
    size: int

    def read(self, n: int = -1) -> bytes: ...
    def seek(self, offset: int) -> int: ...


@transaction.atomic
def attachments_add(actor: Actor, *, target: str, uploads: Sequence[Upload]) -> list[Attachment]:
    """Store several files on one record at once, all or none: each goes through
    ``attachment_add`` (the one set of limits and checks); a refusal names its file."""
    stored: list[Attachment] = []
    for upload in uploads:
        try:
            stored.append(
                attachment_add(
                    actor,
                    target=target,
                    upload=upload,
                    filename=upload.name or "",
                    size=upload.size,
                )
            )
        except DomainError as exc:
            # The rows roll back with the transaction; the files already written do not.
            for attachment in stored:
                attachment.file.delete(save=False)
            name = files.safe_filename(upload.name or "")
            exc.fields = {f: [f"{name}: {m}" for m in ms] for f, ms in exc.fields.items()}
            raise
    return stored
