"""Sign-in throttling per account and per address, kept in the database (stateless servers)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core.choices import Role
from steward.core.errors import Throttled
from steward.core.models import LoginFailure, User


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_THROTTLE_SECONDS)


def login_check(*, username: str | None, address: str | None) -> None:
    """Raise ``Throttled`` when the account or the address has failed too often lately
    (``username`` None: the address alone, as a single sign-on callback checks it before it
    knows who is signing in)."""
    since = _window_start()
    limit = settings.LOGIN_THROTTLE_COUNT
    recent = LoginFailure.objects.filter(at__gte=since)
    by_account = recent.filter(username=username.lower())[:limit].count() if username else 0
    by_address = recent.filter(address=address)[: limit * 4].count() if address else 0
    # An address gets more tries than one account: a shared NAT hides many people.
    if by_account >= limit or by_address >= limit * 4:
        raise Throttled(
            _("Too many failed sign-ins; try again later."),
            retry_after=settings.LOGIN_THROTTLE_SECONDS,
        )


def login_failed(*, username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], address=address)


def login_succeeded(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()
    LoginFailure.objects.filter(at__lt=_window_start()).delete()


def password_sign_in_allowed(user: User) -> bool:
    """Whether ``user`` may sign in with a password: everyone, unless single sign-on is on
    with ``STEWARD_OIDC_PASSWORD_SIGN_IN=administrators`` (then superusers and administrators,
    the way in when the provider is down)."""
    if not (settings.OIDC_ISSUER and settings.OIDC_ADMINS_ONLY_SIGN_IN_BY_PASSWORD):
        return True
    return bool(user.is_superuser or user.has_role(Role.ADMIN))
