"""Password reset by email: a single-use link that expires (PASSWORD_RESET_TIMEOUT).

The token is Django's: it covers the password hash and the last sign-in, so it stops working
once the password is set. Requests are throttled like sign-ins, and the answer is the same
whether or not an address is known (no one learns who has an account).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from steward.core import audit, mail, outbox, selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound, ValidationFailed
from steward.core.models import LoginFailure, User
from steward.core.services.auth import login_check, login_failed, password_sign_in_allowed
from steward.core.services.common import bump_version, require_admin
from steward.core.services.users import user_create

KIND = "password_reset"
SUBJECT = "Reset your Steward password"
INVITATION = "invitation"


def _throttle_key(email: str) -> str:
    return f"reset:{email.strip().lower()}"[:150]


@transaction.atomic
def password_reset_request(
    *, email: str, address: str | None, link: Callable[[str, str], str]
) -> int:
    """Queue a reset mail to each active account with ``email``; return how many (callers
    must not tell the person). ``link(uidb64, token)`` makes the absolute URL.
    Raises ``Throttled`` after too many requests for the address or from the client."""
    key = _throttle_key(email)
    login_check(username=key, address=address)
    login_failed(username=key, address=address)  # every request counts towards the limit
    users = User.objects.filter(email__iexact=email.strip(), is_active=True).exclude(email="")
    queued = 0
    for user in users.order_by("pk"):
        if not password_sign_in_allowed(user):
            continue  # single sign-on only: a password would not let them in
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        url = link(uid, token)
        body = (
            f"Hello {user.get_full_name() or user.username},\n\n"
            "Someone asked to reset the password of your Steward account "
            f"'{user.username}'. To choose a new password, open this link within the hour:\n\n"
            f"{url}\n\n"
            "The link works once. If you did not ask for it, ignore this mail: your password "
            "stays as it is.\n"
        )
        queued += mail.queue(
            key=f"{KIND}:{user.pk}:{token}",
            kind=KIND,
            record=user,
            mails=[mail.Mail(recipient=user.email, subject=SUBJECT, body=body)],
        )
    return queued


@transaction.atomic
def password_invite(actor: Actor, *, username: str, link: Callable[[str, str], str]) -> User:
    """An administrator mails a person a link to choose their password: the reset link (same
    token, same expiry, single use), worded as a welcome. Sent again, it is a fresh link."""
    require_admin(actor, _("invite people"))
    user = selectors.user_visible(actor).filter(username=username).first()
    if user is None:
        raise NotFound()
    if not user.is_active:
        raise ValidationFailed.one("email", "the account is deactivated; reactivate it first")
    if not user.email:
        raise ValidationFailed.one("email", "needed to send the invitation")
    token = default_token_generator.make_token(user)
    url = link(urlsafe_base64_encode(force_bytes(user.pk)), token)
    body = (
        f"Hello {user.get_full_name() or user.username},\n\n"
        f"An account has been made for you on Steward, the IT service desk. Your username is "
        f"'{user.username}'. To choose your password, open this link within the hour:\n\n"
        f"{url}\n\n"
        "The link works once. If it has expired, use 'Forgot your password?' on the sign-in "
        "page with this address, or ask your administrator for a new invitation.\n"
    )
    mail.queue(
        key=f"{INVITATION}:{user.pk}:{token}",
        kind=INVITATION,
        record=user,
        mails=[mail.Mail(recipient=user.email, subject="Welcome to Steward", body=body)],
    )
    audit.record(actor, user, after={"invitation": f"sent to {user.email}"})
    outbox.emit("user.invited", user, email=user.email)
    return user


@transaction.atomic
def user_invite(
    actor: Actor, *, username: str, link: Callable[[str, str], str], **fields: Any
) -> User:
    """An administrator adds a person without a password and mails them the link to choose
    one; both or neither (no account is left behind that nobody was told about)."""
    user = user_create(actor, username=username, password=None, **fields)
    return password_invite(actor, username=user.username, link=link)


def password_reset_user(uidb64: str, token: str) -> User | None:
    """The active user the link names, if its token is still good (else ``None``)."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> User:
    """Set the new password (validated by the form). ``User.set_password`` stamps
    ``credentials_changed_at``: every other session and API token ends, and the link dies."""
    user.set_password(password)
    bump_version(user, ["password", "credentials_changed_at"])
    LoginFailure.objects.filter(username__in=[user.username.lower()]).delete()
    return user
