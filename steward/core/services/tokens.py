"""API tokens: issued to yourself, shown once, revocable."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from steward.core import audit, tokens
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Channel, Scope
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import ApiToken, User
from steward.core.selectors import token_get

# last_used_at is written at most this often, so reads do not become writes.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@transaction.atomic
def token_create(
    actor: Actor,
    *,
    name: str,
    scopes: list[str],
    expires_at: dt.datetime | None = None,
    user: User | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for the actor (the system may name ``user``); the raw key is returned once."""
    owner = user if user is not None and actor.is_system else actor.user
    if owner is None:
        raise PermissionDenied("A token belongs to a user.")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed.one("name", "required, at most 100 characters")
    scopes = sorted(set(scopes or [Scope.READ]))
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise ValidationFailed.one("scopes", f"unknown scope {unknown[0]!r}; one of {Scope.values}")
    if not all(actor.has_scope(s) for s in scopes):
        raise PermissionDenied(
            "A token cannot grant more than the token that creates it.",
            fields={"scopes": ["exceeds your own scopes"]},
        )
    if Scope.ADMIN in scopes and not (owner.is_superuser or owner.has_role("admin")):
        raise ValidationFailed.one("scopes", "admin scope needs the admin role")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed.one("expires_at", "must be in the future")
    raw, prefix, digest = tokens.generate()
    token = ApiToken.objects.create(
        user=owner, name=name, prefix=prefix, digest=digest, scopes=scopes, expires_at=expires_at
    )
    audit.record(
        actor,
        token,
        action=AuditAction.CREATE,
        after={
            "name": name,
            "scopes": scopes,
            "user": owner.username,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return token, raw


@transaction.atomic
def token_revoke(actor: Actor, *, token_id: int) -> ApiToken:
    """Revoke one of your own tokens (idempotent)."""
    token = token_get(actor, token_id=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor,
            token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
        )
    return token


def token_authenticate(raw: str) -> Actor | None:
    """The actor a bearer token stands for, or None if unknown, revoked, expired or inactive."""
    if not raw.startswith(tokens.TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=tokens.digest(raw), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or not token.user.is_active:
        return None
    ended = token.user.credentials_changed_at
    if ended is not None and token.created_at <= ended:
        return None  # a password change, deactivation or reactivation came after it
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return Actor(user=token.user, channel=Channel.API, scopes=frozenset(token.scopes))
