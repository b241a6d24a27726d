"""API tokens: issued to yourself, shown once, revocable."""

from __future__ import annotations

import copy
import datetime as dt

from django.db import transaction
from django.utils import timezone

from steward.core import audit, stamps, tokens
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Channel, Scope
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import ApiToken, User
from steward.core.selectors import token_get
from steward.core.selectors.scoping import served_organisation_ids

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


# Tokens seen by this process: digest -> (auth stamp when loaded, token with its user, its
# organisation and manager, roles and served organisations). Any change to users,
# organisations, tokens or roles moves the auth stamp in the database
# (steward/core/stamps.py), so every process drops its entries at the next request.
_seen: dict[str, tuple[int, ApiToken]] = {}
_SEEN_MAX = 10_000  # past this, start again: memory stays bounded whatever clients send
stamps.also_forget(_seen.clear)


def _load(digest: str) -> ApiToken | None:
    token = (
        # the user's organisation and manager: read by orders and responses on most requests;
        # saving either (a user or an organisation) moves the auth stamp like the user itself
        ApiToken.objects.select_related("user__organisation", "user__manager")
        .filter(digest=digest, revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ended = token.user.credentials_changed_at
    if ended is not None and token.created_at <= ended:
        return None  # a password change, deactivation or reactivation came after it
    token.user.role_names  # noqa: B018 - loaded now, so requests reuse it
    served_organisation_ids(Actor(user=token.user))  # likewise
    return token


def token_authenticate(raw: str) -> Actor | None:
    """The actor a bearer token stands for, or None if unknown, revoked, expired or inactive."""
    if not raw.startswith(tokens.TOKEN_PREFIX):
        return None
    digest = tokens.digest(raw)
    version = stamps.current()[stamps.AUTH]
    seen = _seen.get(digest)
    if seen is None or seen[0] != version:
        token = _load(digest)
        if token is None:
            _seen.pop(digest, None)  # unknown tokens are not remembered
            return None
        if len(_seen) >= _SEEN_MAX:
            _seen.clear()
        seen = _seen[digest] = (version, token)
    token = seen[1]
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    # a copy per request: services may change their actor's user, the cache must not see it
    user = copy.copy(token.user)
    return Actor(user=user, channel=Channel.API, scopes=frozenset(token.scopes))
