"""Comments and attachments written in batches (a mail poll's chunk): every row held to the
single services' checks (``new_comment``, ``new_attachment``: the same function builds the
row), then one insert per table for the rows, their audit entries and their events, in the
caller's transaction. The caller has resolved each target it may write to."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.db import models, transaction

from steward.core import audit, outbox, targets
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.models import Attachment, Comment
from steward.core.services.activity import attachment_audit, new_attachment, new_comment


@transaction.atomic(savepoint=False)
def comments_add_many(rows: Sequence[tuple[Actor, models.Model, str]]) -> list[Comment]:
    """``comment_add(actor, target=obj, body=body)`` (public replies) for each row."""
    comments = [new_comment(actor, obj, body, False) for actor, obj, body in rows]
    Comment.objects.bulk_create(comments)
    refs = [targets.ref_of(obj) for _, obj, _ in rows]
    audit.record_rows(
        [
            (actor, comment, AuditAction.CREATE, {"target": ref, "internal": False})
            for (actor, _, _), comment, ref in zip(rows, comments, refs, strict=True)
        ]
    )
    outbox.emit_many(
        [
            ("comment.added", comment, {"target": ref, "internal": False})
            for comment, ref in zip(comments, refs, strict=True)
        ]
    )
    return comments


@transaction.atomic(savepoint=False)
def attachments_add_many(
    actor: Actor, rows: Sequence[tuple[models.Model, str, bytes]]
) -> list[Attachment]:
    """``attachment_add(actor, target=obj, …)`` for each ``(obj, filename, data)``. A refusal
    raises before any row is written (the files stored so far are removed)."""
    made: list[tuple[models.Model, Attachment]] = []
    try:
        for obj, filename, data in rows:
            made.append((obj, new_attachment(actor, obj, io.BytesIO(data), filename, len(data))))
    except Exception:
        for _, attachment in made:
            attachment.file.delete(save=False)
        raise
    attachments = Attachment.objects.bulk_create([a for _, a in made])
    audit.record_rows([(actor, a, AuditAction.CREATE, attachment_audit(obj, a)) for obj, a in made])
    outbox.emit_many([("attachment.added", a, {"target": targets.ref_of(obj)}) for obj, a in made])
    return attachments
