"""The signed-in browser's session and user, read from the database once per process.

Django reads, on every page, the session row and then the user (and Steward its roles and
served organisations) and checks the session's hash of the user's credentials. Here both are
kept per process under a version stamp in the database (steward/core/stamps.py), read with
the one statement every request already makes for the stamps:

- **the session** (``SessionStore``, ``SESSION_ENGINE``): key -> its encoded data and expiry,
  under the ``sessions`` stamp. Changing or deleting a session row (logout, a new key at
  sign-in, data a page keeps in the session, the admin deleting sessions) moves the stamp in
  the same transaction, so every process reads that session again at its next request.
  Creating one moves nothing: no process can hold a key that did not exist. An entry whose
  expiry has passed is never served (the database's own query asks the same).
- **the user** (``session_user``, used by ``steward.web.stack``'s authentication middleware):
  id -> the user with its roles, served organisations and the session hash its credentials
  give, under the ``auth`` stamp that a password change, a deactivation, a role change, a
  token revocation and every other save of a user already move.

What the database would refuse, a process refuses at the next request: both caches are
checked against stamps read at the start of that request. A change made with plain SQL must
move the stamp itself (``stamps.bump``), as every other cache here asks.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from steward.core import stamps
from steward.core.actor import Actor
from steward.core.models import User
from steward.core.selectors.scoping import served_organisation_ids

MAX_ENTRIES = 10_000  # per cache; past this it starts again, whatever clients send
MAX_DATA = 16_384  # a session holding more (a pending import) is read from the database

# session key -> (sessions stamp when read, expiry, encoded data)
_sessions: dict[str, tuple[int, dt.datetime, str]] = {}
# user id -> (auth stamp when read, the user with roles and served organisations, its hash)
_users: dict[Any, tuple[int, User, str]] = {}
stamps.also_forget(_sessions.clear)
stamps.also_forget(_users.clear)

# the backend Django records in a session at sign-in (settings.AUTHENTICATION_BACKENDS)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SessionStore(db.SessionStore):
    """Django's database sessions, each row read once per process and sessions stamp."""

    def load(self) -> dict[str, Any]:
        key = self.session_key
        version = stamps.current()[stamps.SESSIONS]  # first: a later change reloads next time
        seen = _sessions.get(key) if key else None
        if seen is not None and seen[0] == version and seen[1] > timezone.now():
            return self.decode(seen[2])
        row = self._get_session_from_db()
        if row is None:
            _sessions.pop(key, None)  # unknown keys are not remembered
            return {}
        if len(row.session_data) <= MAX_DATA:
            if len(_sessions) >= MAX_ENTRIES:
                _sessions.clear()
            _sessions[key] = (version, row.expire_date, row.session_data)
        return self.decode(row.session_data)


def _session_changed(instance: Session, created: bool = False, **_: object) -> None:
    _sessions.pop(instance.session_key, None)
    if not created:  # a new key is in no process's cache
        stamps.bump(stamps.SESSIONS)


def _session_deleted(instance: Session, **_: object) -> None:
    _sessions.pop(instance.session_key, None)
    stamps.bump(stamps.SESSIONS)


def watch() -> None:
    """Move the stamp on every save and delete of a row (SessionStore's, the admin's,
    QuerySet.delete's); the expired rows ``clearsessions`` deletes are refused by their
    expiry already. Called once the apps are ready (steward/core/apps.py)."""
    post_save.connect(_session_changed, sender=Session, dispatch_uid="steward.sessions.save")
    post_delete.connect(_session_deleted, sender=Session, dispatch_uid="steward.sessions.del")


def _load_user(user_id: Any) -> User | None:
    user = User.objects.select_related("organisation", "manager").filter(pk=user_id).first()
    if user is None:
        return None
    user.role_names  # noqa: B018 - loaded now, so requests reuse it
    served_organisation_ids(Actor(user=user))  # likewise
    return user


def cached_user(user_id: Any) -> tuple[User, str] | None:
    """A copy of the user with this id and the session hash of its credentials, or None."""
    version = stamps.current()[stamps.AUTH]
    seen = _users.get(user_id)
    if seen is None or seen[0] != version:
        user = _load_user(user_id)
        if user is None:
            _users.pop(user_id, None)
            return None
        if len(_users) >= MAX_ENTRIES:
            _users.clear()
        seen = _users[user_id] = (version, user, user.get_session_auth_hash())
    # a copy per request: views and services may change their user, the cache must not see it
    return copy.copy(seen[1]), seen[2]


def session_user(request: HttpRequest) -> User | AnonymousUser:
    """``django.contrib.auth.get_user`` with the user from the per-process cache: the same
    checks (a known backend, an active user, the session's hash of the current credentials
    or of a fallback secret's), the same flush of a session that fails them."""
    session = request.session
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path != MODEL_BACKEND or backend_path not in settings.AUTHENTICATION_BACKENDS:
        from django.contrib.auth import get_user

        return get_user(request)  # another backend: Django's own path
    loaded = cached_user(user_id)
    if loaded is None or not loaded[0].is_active:  # ModelBackend.get_user's checks
        return AnonymousUser()
    user, auth_hash = loaded
    given = session.get(HASH_SESSION_KEY)
    if given and constant_time_compare(given, auth_hash):
        return user
    if given and any(
        constant_time_compare(given, fallback) for fallback in user.get_session_auth_fallback_hash()
    ):
        session.cycle_key()
        session[HASH_SESSION_KEY] = auth_hash
        return user
    session.flush()
    return AnonymousUser()
