"""Core routes: users, teams, own tokens, audit log, attachments. Thin: services do the work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.core import files, selectors, services
from steward.core.errors import Conflict
from steward.core.filters import SearchText, UserFilters
from steward.core.idempotency import create_once
from steward.core.models import ApiToken, Attachment
from steward.core.schemas import (
    AttachmentOut,
    AuditOut,
    MemberIn,
    TeamCreateIn,
    TeamOut,
    TeamPatchIn,
    TokenCreatedOut,
    TokenCreateIn,
    TokenOut,
    UserCreateIn,
    UserOut,
    UserPatchIn,
)

users = Router(tags=["users"])
teams = Router(tags=["teams"])
tokens = Router(tags=["tokens"])
audit = Router(tags=["audit"])
attachments = Router(tags=["attachments"])


@users.get("", response=page_of(UserOut))
def list_users(request: HttpRequest, filters: Query[UserFilters]):
    return selectors.user_list(request.actor, **filters.dict())


@users.get("/me", response=UserOut)
def get_me(request: HttpRequest, response: HttpResponse):
    return tag(response, selectors.user_get(request.actor, username=request.actor.user.username))


@users.get("/{username}", response=UserOut)
def get_user(request: HttpRequest, response: HttpResponse, username: str):
    return tag(response, selectors.user_get(request.actor, username=username))


@users.post("", response={201: UserOut})
def create_user(request: HttpRequest, response: HttpResponse, payload: UserCreateIn):
    data = payload.dict()
    user = create_with_key(
        request,
        scope="users",
        data=data,
        create=services.user_create,
        visible=selectors.user_visible,
    )
    return 201, tag(response, selectors.user_get(request.actor, username=user.username))


@users.patch("/{username}", response=UserOut)
def patch_user(request: HttpRequest, response: HttpResponse, username: str, payload: UserPatchIn):
    user = services.user_update(
        request.actor,
        username=username,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.user_get(request.actor, username=user.username))


class TeamFilters(Schema):
    q: SearchText = ""
    member: str = ""
    cursor: str | None = None
    limit: int | None = None


@teams.get("", response=page_of(TeamOut))
def list_teams(request: HttpRequest, filters: Query[TeamFilters]):
    return selectors.team_list(request.actor, **filters.dict())


@teams.get("/{slug}", response=TeamOut)
def get_team(request: HttpRequest, response: HttpResponse, slug: str):
    return tag(response, selectors.team_get(request.actor, slug=slug))


@teams.post("", response={201: TeamOut})
def create_team(request: HttpRequest, response: HttpResponse, payload: TeamCreateIn):
    data = payload.dict()
    team = create_with_key(
        request,
        scope="teams",
        data=data,
        create=services.team_create,
        visible=selectors.team_visible,
    )
    return 201, tag(response, team)


@teams.patch("/{slug}", response=TeamOut)
def patch_team(request: HttpRequest, response: HttpResponse, slug: str, payload: TeamPatchIn):
    team = services.team_update(
        request.actor,
        slug=slug,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, team)


@teams.post("/{slug}/members", response=TeamOut)
def add_member(request: HttpRequest, response: HttpResponse, slug: str, payload: MemberIn):
    return tag(
        response, services.team_add_member(request.actor, slug=slug, username=payload.username)
    )


@teams.delete("/{slug}/members/{username}", response=TeamOut)
def remove_member(request: HttpRequest, response: HttpResponse, slug: str, username: str):
    return tag(response, services.team_remove_member(request.actor, slug=slug, username=username))


class PageFilters(Schema):
    cursor: str | None = None
    limit: int | None = None


@tokens.get("", response=page_of(TokenOut))
def list_tokens(request: HttpRequest, filters: Query[PageFilters]):
    return selectors.token_list(request.actor, **filters.dict())


@tokens.post("", response={201: TokenCreatedOut})
def create_token(request: HttpRequest, payload: TokenCreateIn):
    """A retry with the same ``Idempotency-Key`` is refused: the secret is shown only once."""
    secrets: list[str] = []

    def create() -> ApiToken:
        token, raw = services.token_create(request.actor, **payload.dict())
        secrets.append(raw)
        return token

    token, replayed = create_once(
        request.actor,
        key=request.headers.get("Idempotency-Key"),
        scope="tokens",
        payload=payload.dict(),
        create=create,
        fetch=lambda pk: selectors.token_get(request.actor, token_id=int(pk)),
    )
    if replayed:
        raise Conflict(
            f"Token {token.prefix}… was already created with this Idempotency-Key; "
            "its secret is shown only once. Revoke it if it was lost.",
            fields={"Idempotency-Key": ["already used"]},
        )
    token.token = secrets[0]
    return 201, token


@tokens.delete("/{token_id}", response=TokenOut)
def revoke_token(request: HttpRequest, token_id: int):
    return services.token_revoke(request.actor, token_id=token_id)


class AuditFilters(Schema):
    object_type: str = ""
    object_id: str = ""
    actor_name: str = ""
    channel: str = ""
    cursor: str | None = None
    limit: int | None = None


@audit.get("", response=page_of(AuditOut))
def list_audit(request: HttpRequest, filters: Query[AuditFilters]):
    return selectors.audit_list(request.actor, **filters.dict())


@attachments.post("", response={201: AttachmentOut})
def upload_attachment(request: HttpRequest, target: Form[str], file: File[UploadedFile]):
    """Attach a file to a record: ``target`` is ``<kind>/<key>``, e.g. ``team/network``."""
    return 201, services.attachment_add(
        request.actor, target=target, upload=file, filename=file.name or "", size=file.size
    )


@attachments.get("/{attachment_id}", response=AttachmentOut)
def get_attachment(request: HttpRequest, attachment_id: str):
    return selectors.attachment_get(request.actor, attachment_id=attachment_id)


@attachments.get("/{attachment_id}/download", response={200: None})
def download_attachment(request: HttpRequest, attachment_id: str):
    """Always a download: never rendered inline, whatever the file claims to be."""
    attachment: Attachment = selectors.attachment_get(request.actor, attachment_id=attachment_id)
    return files.download_response(attachment)


ROUTERS = [
    ("users", users),
    ("teams", teams),
    ("tokens", tokens),
    ("audit", audit),
    ("attachments", attachments),
]
