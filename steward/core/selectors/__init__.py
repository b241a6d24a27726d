"""Every read of core records, scoped to what the actor may see (rule in ``scoping``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.db.models import Model, Q, QuerySet

from steward.core import stamps, targets
from steward.core.actor import Actor
from steward.core.errors import NotFound, PermissionDenied
from steward.core.models import (
    ApiToken,
    Attachment,
    AuditEntry,
    Department,
    Location,
    Organisation,
    Team,
    User,
)
from steward.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, cursor_after, paginate
from steward.core.selectors import compiled, shells
from steward.core.selectors.scoping import (
    scope_to_organisations,
    sees_everything,
    served_organisation_ids,
)


def organisation_visible(actor: Actor) -> QuerySet[Organisation]:
    """Organisations the actor may see: all for unrestricted agents, their own for requesters."""
    qs = Organisation.objects.all()
    if not actor.is_agent:
        return qs.filter(id=actor.user.organisation_id)
    served = served_organisation_ids(actor)
    return qs if served is None else qs.filter(id__in=served)


def organisation_suggest(actor: Actor, *, q: str) -> list[Organisation]:
    """Organisations the actor may see whose name or slug contains ``q``, by name."""
    qs = organisation_visible(actor)
    for word in q.split()[:4]:
        qs = qs.filter(Q(name__icontains=word) | Q(slug__icontains=word))
    return list(qs.order_by("name", "id")[:SUGGESTIONS])


def department_choices(actor: Actor) -> list[Department]:
    """Departments of the organisations the actor may see, by organisation and name."""
    qs = Department.objects.filter(organisation__in=organisation_visible(actor))
    return list(qs.select_related("organisation").order_by("organisation__name", "name"))


def location_visible(actor: Actor) -> QuerySet[Location]:
    """Sites of the organisations the actor may see, and shared ones (no organisation): what
    any form offers and any write accepts as a location (a person's, an asset's, a CI's)."""
    if sees_everything(actor):
        return Location.objects.all()
    return Location.objects.filter(
        Q(organisation__isnull=True) | Q(organisation__in=organisation_visible(actor))
    )


def location_choices(actor: Actor) -> list[Location]:
    """Sites of the organisations the actor may see, and shared ones (no organisation)."""
    return list(location_visible(actor).order_by("name"))


def user_visible(actor: Actor) -> QuerySet[User]:
    """Users the actor may see: requesters see themselves; limited agents their organisations."""
    return scope_to_organisations(
        actor,
        User.objects.all(),
        requester="id",
        agent_also=Q(id=actor.user.id) if actor.user is not None else None,
    )


def user_list(
    actor: Actor,
    *,
    q: str = "",
    team: str = "",
    role: str = "",
    is_active: bool | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible users, by username; ``role`` those holding that role."""
    qs = user_visible(actor).select_related("organisation", "department", "location", "manager")
    if q:
        qs = qs.filter(
            Q(username__icontains=q)
            | Q(email__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
        )
    if team:
        qs = qs.filter(teams__slug=team)
    if role:
        qs = qs.filter(groups__name=role)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    page = paginate(qs, order=("username",), cursor=cursor, limit=limit)
    _attach_roles(page.items)
    return page


def _attach_roles(users: list[User]) -> None:
    """Fill each user's role cache with one query for the whole page."""
    by_id = {u.id: u for u in users}
    for u in users:
        u._role_names = set()
    rows = User.groups.through.objects.filter(user_id__in=by_id).values_list(
        "user_id", "group__name"
    )
    for user_id, name in rows:
        by_id[user_id]._role_names.add(name)


def user_get(actor: Actor, *, username: str) -> User:
    """One visible user; ``NotFound`` for absent and invisible alike."""
    user = (
        user_visible(actor)
        .select_related("organisation", "department", "location", "manager")
        .filter(username=username)
        .first()
    )
    if user is None:
        raise NotFound()
    _attach_roles([user])
    return user


def team_visible(actor: Actor) -> QuerySet[Team]:
    """Teams an agent may see (IT's own teams and those of served organisations)."""
    return scope_to_organisations(actor, Team.objects.all())


def team_list(
    actor: Actor,
    *,
    q: str = "",
    member: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible teams by name, with lead and members loaded."""
    qs = team_visible(actor).select_related("lead", "organisation").prefetch_related("members")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    if member:
        qs = qs.filter(members__username=member)
    return paginate(qs, order=("name", "id"), cursor=cursor, limit=limit)


# visible teams' (id, name, slug) by name, per (whose: None for every team, else the served
# organisations; limit), with the teams stamp they were read under (steward/core/stamps.py)
_team_choices: dict[tuple, tuple[int, list[tuple]]] = {}
stamps.also_forget(_team_choices.clear)


def team_choices(actor: Actor, *, limit: int = 200) -> list[Team]:
    """Visible teams by name with their slug and name only: a form's team drop-down (no lead,
    organisation or members: ``team_list`` loads those, every member of every team).

    Read once per process for each set of served organisations until a team is saved or
    deleted (the ``teams`` stamp); each call gets its own instances, as ``.only()`` gives."""
    if not sees_everything(actor) and not actor.is_agent:
        return []  # requesters see no team (scope_to_organisations)
    served = served_organisation_ids(actor)
    key = (None if sees_everything(actor) else tuple(sorted(served or ())), limit)
    version = stamps.current()[stamps.TEAMS]
    seen = _team_choices.get(key)
    if seen is None or seen[0] != version:
        rows = team_visible(actor).order_by("name", "id").values_list("id", "name", "slug")
        if len(_team_choices) >= 1_000:
            _team_choices.clear()
        seen = _team_choices[key] = (version, list(rows[:limit]))
    database = Team.objects.db
    return [Team.from_db(database, ["id", "name", "slug"], row) for row in seen[1]]


def team_get(actor: Actor, *, slug: str, for_update: bool = False) -> Team:
    """One visible team; locked when ``for_update``."""
    qs = team_visible(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    team = qs.select_related("lead", "organisation").filter(slug=slug).first()
    if team is None:
        raise NotFound()
    return team


def token_list(actor: Actor, *, cursor: str | None = None, limit: int | None = None) -> Page:
    """The actor's own tokens, newest first (never their secret)."""
    qs = ApiToken.objects.filter(user=actor.user)
    return paginate(qs, order=("-id",), cursor=cursor, limit=limit)


def token_get(actor: Actor, *, token_id: int) -> ApiToken:
    """One of the actor's own tokens."""
    if not 0 < token_id < 2**63:  # beyond a database integer: it cannot exist
        raise NotFound()
    token = ApiToken.objects.filter(user=actor.user, id=token_id).first()
    if token is None:
        raise NotFound()
    return token


def audit_list(
    actor: Actor,
    *,
    object_type: str = "",
    object_id: str = "",
    actor_name: str = "",
    channel: str = "",
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """The audit log, newest first; administrators only."""
    if not actor.is_admin:
        raise PermissionDenied("Only administrators may read the audit log.")
    qs = AuditEntry.objects.select_related("content_type")
    if object_type:
        app_label, _, model = object_type.partition(".")
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor_name:
        qs = qs.filter(actor_label=actor_name)
    if channel:
        qs = qs.filter(channel=channel)
    return paginate(qs, order=("-id",), cursor=cursor, limit=limit)


def record_history(actor: Actor, obj) -> list[AuditEntry]:  # noqa: ANN001 - any model
    """Audit entries of one record the caller has already been allowed to see."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(obj)
    return list(
        AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-id")[:200]
    )


def attachment_get(actor: Actor, *, attachment_id: str) -> Attachment:
    """An attachment whose record the actor may see; ``NotFound`` otherwise."""
    try:
        key = uuid.UUID(str(attachment_id))
    except ValueError as exc:
        raise NotFound() from exc
    attachment = Attachment.objects.select_related("content_type").filter(pk=key).first()
    if attachment is None:
        raise NotFound()
    model = attachment.content_type.model_class()
    kind = targets.kind_for_model(model)
    if kind is None or not kind.readers(actor).filter(pk=attachment.object_id).exists():
        raise NotFound()
    return attachment


def attachment_page(
    actor: Actor, *, target: str, cursor: str | None = None, limit: int | None = None
) -> Page:
    """Attachments of a record the actor may see (``target`` = ``incident/INC0000042``)."""
    obj = targets.resolve(actor, target, read=True)
    return record_attachment_page(obj, cursor=cursor, limit=limit)


def record_attachment_page(
    record: Model, *, cursor: str | None = None, limit: int | None = None
) -> Page:
    """``attachment_page`` of a record the caller has read already through the scope
    ``attachment_page`` would resolve it with (a record page's own read, which the
    incident page does with ``incident_visible``, its kind's readers): the same page
    without reading the record a second time."""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(record)
    size = DEFAULT_LIMIT if limit is None else limit
    if shells.BUILT and cursor is None and 1 <= size <= MAX_LIMIT:
        # a page's first (and nearly always only) page: SQL compiled once per process and
        # size, the files built as a read with their uploaders would (decision 0063)
        found = _ATTACHMENT.built(
            compiled.rows(
                ("core.record_attachments", size),
                _first_attachments(size),
                ct=content_type.pk,
                object_id=str(record.pk),
            )
        )
        more = len(found) > size
        found = found[:size]
        return Page(items=found, next=cursor_after(found[-1], _FILE_ORDER) if more else None)
    qs = Attachment.objects.filter(
        content_type=content_type, object_id=str(record.pk)
    ).select_related("uploaded_by")
    return paginate(qs, order=_FILE_ORDER, cursor=cursor, limit=limit)


_FILE_ORDER = ("created_at", "id")
_ATTACHMENT = shells.Shape(Attachment, {"uploaded_by": ("username", "first_name", "last_name")})


def _first_attachments(size: int) -> Callable[..., QuerySet]:
    def build(ct: int, object_id: str) -> QuerySet:
        qs = Attachment.objects.filter(content_type_id=ct, object_id=object_id)
        return _ATTACHMENT.values(qs.order_by(*_FILE_ORDER))[: size + 1]

    return build


SUGGESTIONS = 10  # a picker shows this many; typing more narrows them


def user_suggest(
    actor: Actor, *, q: str, agents_only: bool = False, among: QuerySet[User] | None = None
) -> list[User]:
    """People whose name, username or email starts a word with ``q`` (a picker's choices),
    among those the actor may see (``among``: the people a domain's rule lets them name,
    e.g. a catalogue form's person question); agents only when the field needs one."""
    from steward.core.choices import AGENT_ROLES

    q = q.strip()
    qs = (user_visible(actor) if among is None else among).filter(is_active=True)
    if agents_only:
        qs = qs.filter(Q(is_superuser=True) | Q(groups__name__in=AGENT_ROLES)).distinct()
    for word in q.split()[:4]:
        qs = qs.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(username__istartswith=word)
            | Q(email__istartswith=word)
        )
    return list(qs.order_by("first_name", "last_name", "username")[:SUGGESTIONS])


def team_suggest(actor: Actor, *, q: str) -> list[Team]:
    """Teams the actor may see whose name or slug contains ``q``, by name."""
    q = q.strip()
    qs = team_visible(actor)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    return list(qs.order_by("name", "id")[:SUGGESTIONS])
