"""``Idempotency-Key`` on create: a retried request returns the first result."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.files.base import File
from django.db import IntegrityError, models, transaction

from steward.core.actor import Actor
from steward.core.errors import DomainError
from steward.core.models import IdempotencyRecord

M = TypeVar("M", bound=models.Model)


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"


def _canonical(value: Any) -> Any:
    """A file in the body (multipart) counts by its content, not its name: a retry with the
    same key but another file of the same name is another request, not a replay."""
    if isinstance(value, File):
        content = hashlib.sha256()
        for chunk in value.chunks():  # chunks() rewinds first
            content.update(chunk)
        value.seek(0)  # the create reads it next
        return {"file": value.name, "size": value.size, "sha256": content.hexdigest()}
    return str(value)


def _digest(payload: Any) -> str:
    body = json.dumps(payload, sort_keys=True, default=_canonical)
    return hashlib.sha256(body.encode()).hexdigest()


def create_once(
    actor: Actor,
    *,
    key: str | None,
    scope: str,
    payload: Any,
    create: Callable[[], M],
    fetch: Callable[[str], M],
) -> tuple[M, bool]:
    """Run ``create`` once per (user, scope, key); returns the record and whether it replayed."""
    if not key or actor.user is None:
        return create(), False
    if len(key) > 200:
        raise IdempotencyKeyReused(
            "Idempotency-Key is longer than 200 characters.",
            fields={"Idempotency-Key": ["at most 200 characters"]},
        )
    digest = _digest(payload)
    for attempt in range(2):
        existing = IdempotencyRecord.objects.filter(user=actor.user, scope=scope, key=key).first()
        if existing is not None:
            if existing.request_digest != digest:
                raise IdempotencyKeyReused(
                    "This Idempotency-Key was already used with a different request body.",
                    fields={"Idempotency-Key": ["already used with another body"]},
                )
            return fetch(existing.object_ref), True
        try:
            with transaction.atomic():
                obj = create()
                IdempotencyRecord.objects.create(
                    user=actor.user,
                    scope=scope,
                    key=key,
                    request_digest=digest,
                    object_ref=str(obj.pk),
                )
            return obj, False
        except IntegrityError:
            # a concurrent request with the same key won the race: replay its result
            if (
                attempt
                or not IdempotencyRecord.objects.filter(
                    user=actor.user, scope=scope, key=key
                ).exists()
            ):
                raise
    raise AssertionError("unreachable")
