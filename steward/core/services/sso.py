"""Who a verified OpenID Connect sign-in is: found by issuer and subject, linked once by a
verified email, or created as a requester (``STEWARD_OIDC_NEW_USERS``); audited."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from steward.core import audit
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Role
from steward.core.errors import ValidationFailed
from steward.core.models import User
from steward.core.services.common import bump_version
from steward.core.services.users import user_create

SYSTEM = Actor.system("sso")
_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]+")


class SignInRefused(Exception):
    """A verified person Steward will not sign in; ``message`` is shown to them and
    ``account`` is what their failure is counted under (the throttle)."""

    def __init__(self, message: str, *, account: str, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.account = account
        self.reason = reason  # for the log: deactivated, email_unverified, ...


def email_verified(claims: dict[str, Any]) -> bool:
    """The provider vouches for the email: ``email_verified`` (or the claim
    ``STEWARD_OIDC_EMAIL_VERIFIED_CLAIM`` names) is true, a JSON boolean or the string "true"
    some providers send. Absent is not verified."""
    value = claims.get(settings.OIDC_EMAIL_VERIFIED_CLAIM)
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _email(claims: dict[str, Any]) -> str:
    value = claims.get("email")
    if not isinstance(value, str):
        return ""
    value = value.strip()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def _text(claims: dict[str, Any], name: str, limit: int) -> str:
    value = claims.get(name)
    if not isinstance(value, str):
        return ""
    # NULs and lone surrogates (a JSON escape) are no part of a name, and no database keeps them
    value = value.encode(errors="ignore").decode().replace("\x00", "")
    return value.strip()[:limit]


def _free_username(claims: dict[str, Any], email: str) -> str:
    """A username for a new person from ``STEWARD_OIDC_USERNAME_CLAIM`` (else the email, else
    the subject), made unique with a number when someone already has it."""
    raw = _text(claims, settings.OIDC_USERNAME_CLAIM, 150) or email or f"sso-{claims['sub']}"
    base = _NOT_IN_USERNAME.sub("-", raw).strip("-")[:140] or "sso-user"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _by_email(email: str) -> list[User]:
    return list(
        User.objects.select_for_update()
        .alias(email_lower=Lower("email"))
        .filter(email_lower=email.lower())[:2]
    )


def _link(user: User, issuer: str, subject: str) -> None:
    before = audit.snapshot(user, ["sso_issuer", "sso_subject"])
    user.sso_issuer, user.sso_subject = issuer, subject
    bump_version(user, ["sso_issuer", "sso_subject"])
    audit.record(SYSTEM, user, before=before, after=audit.snapshot(user, before))


def _create(claims: dict[str, Any], email: str, verified: bool, issuer: str) -> User:
    user = user_create(
        SYSTEM,
        username=_free_username(claims, email),
        # an email the provider does not vouch for is not kept: mail intake would believe it
        email=email if verified else "",
        first_name=_text(claims, "given_name", 150),
        last_name=_text(claims, "family_name", 150),
        roles=[Role.REQUESTER],
    )
    _link(user, issuer, claims["sub"])
    return user


CREATE_TRIES = 3


def _create_once(claims: dict[str, Any], email: str, verified: bool, issuer: str) -> User:
    """A new requester for the identity, or the one a racing sign-in of the same identity
    (a second tab) created first. Another person's racing sign-in may take the username
    chosen here between its check and the insert: then a fresh name is chosen again."""
    for _try in range(CREATE_TRIES):
        try:
            with transaction.atomic():
                return _create(claims, email, verified, issuer)
        except ValidationFailed as refused:
            if set(refused.fields) != {"username"}:
                raise  # not the race: a value the provider sent is refused
        except IntegrityError:
            # the identity is unique: the same person's other tab won
            same = User.objects.filter(sso_issuer=issuer, sso_subject=claims["sub"]).first()
            if same is not None:
                return same
    raise SignInRefused(
        _("Your account could not be created just now. Please try again."),
        account=f"sso:{claims['sub']}"[:150],
        reason="create_raced",
    )


@transaction.atomic
def sso_sign_in(*, issuer: str, claims: dict[str, Any]) -> User:
    """The person verified ID token ``claims`` name: the one linked to the issuer and subject;
    on a first sign-in the one person whose email matches a verified ``email``, linked now;
    else a new requester (or refused, ``STEWARD_OIDC_NEW_USERS=refuse``). Deactivated people
    are refused. Writes a sign-in audit row."""
    subject = claims["sub"]
    account = f"sso:{subject}"[:150]
    user = User.objects.select_for_update().filter(sso_issuer=issuer, sso_subject=subject).first()
    how = "subject"
    if user is None:
        email, verified = _email(claims), email_verified(claims)
        same_email = _by_email(email) if email else []
        if same_email and not verified:
            raise SignInRefused(
                _(
                    "Your email address is not verified by the identity provider, so it cannot"
                    " be linked to your Steward account. Ask an administrator."
                ),
                account=account,
                reason="email_unverified",
            )
        if len(same_email) > 1:
            raise SignInRefused(
                _("More than one Steward account has your email address. Ask an administrator."),
                account=account,
                reason="email_ambiguous",
            )
        if same_email:
            user = same_email[0]
            if user.sso_subject and user.sso_issuer == issuer:
                # linked to another identity at this provider: a reused address is not them
                raise SignInRefused(
                    _("Your Steward account is linked to another sign-in. Ask an administrator."),
                    account=user.username,
                    reason="linked_elsewhere",
                )
            if user.is_active:
                _link(user, issuer, subject)
            how = "email"
        elif settings.OIDC_NEW_USERS == "refuse":
            raise SignInRefused(
                _("You have no Steward account yet. Ask an administrator to add you."),
                account=account,
                reason="unknown_person",
            )
        else:
            user = _create_once(claims, email, verified, issuer)
            how = "created"
    if not user.is_active:
        raise SignInRefused(
            _("Your Steward account is deactivated."), account=user.username, reason="deactivated"
        )
    audit.record(
        Actor(user=user),
        user,
        action=AuditAction.SIGN_IN,
        after={"method": "oidc", "issuer": issuer, "subject": subject, "matched_by": how},
    )
    return user
