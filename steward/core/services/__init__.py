"""Every write use case of core: one function each, transactional, checked, audited."""

from steward.core.services.activity import attachment_add, attachments_add, comment_add
from steward.core.services.auth import (
    login_check,
    login_failed,
    login_succeeded,
    password_sign_in_allowed,
)
from steward.core.services.passwords import (
    password_invite,
    password_reset_complete,
    password_reset_request,
    password_reset_user,
    user_invite,
)
from steward.core.services.sso import SignInRefused, sso_sign_in
from steward.core.services.teams import (
    team_add_member,
    team_create,
    team_remove_member,
    team_update,
)
from steward.core.services.tokens import token_authenticate, token_create, token_revoke
from steward.core.services.users import user_create, user_update

__all__ = [
    "SignInRefused",
    "attachment_add",
    "attachments_add",
    "comment_add",
    "login_check",
    "login_failed",
    "login_succeeded",
    "password_invite",
    "password_reset_complete",
    "password_reset_request",
    "password_reset_user",
    "password_sign_in_allowed",
    "sso_sign_in",
    "team_add_member",
    "team_create",
    "team_remove_member",
    "team_update",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "user_create",
    "user_invite",
    "user_update",
]
