"""Reads of configuration items, scoped to what the actor may see.

Agents read CIs of the organisations they serve (and CIs of no organisation); requesters see
nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTransform

from steward.cmdb.choices import CIStatus, Environment
from steward.cmdb.models import CIClass, ConfigurationItem
from steward.cmdb.selectors.classes import class_tree
from steward.cmdb.selectors.schema import coerce_query
from steward.core.actor import Actor
from steward.core.choices import Role, Scope
from steward.core.errors import NotFound, ValidationFailed
from steward.core.pagination import Page, paginate
from steward.core.rows import cache_related
from steward.core.selectors import compiled
from steward.core.selectors.scoping import scope_to_organisations, sees_everything
from steward.core.selectors.shells import shell

NUMBER = re.compile(r"CI\d{7}")


def can_write(actor: Actor) -> bool:
    """Administrators, and agents holding the asset manager role with a writing token."""
    if actor.is_admin:
        return True
    return (
        actor.is_agent and actor.user.has_role(Role.ASSET_MANAGER) and actor.has_scope(Scope.WRITE)
    )


def ci_visible(actor: Actor) -> QuerySet[ConfigurationItem]:
    """Agents see CIs of the organisations they serve and of none; requesters nothing."""
    return scope_to_organisations(actor, ConfigurationItem.objects.all())


def ci_nameable(actor: Actor) -> QuerySet[ConfigurationItem]:
    """CIs a record the actor reads may name: those the actor may open and, for a
    requester (who opens none), those of their own organisation and of none, so a caller
    reads their incident's CI by name but never another organisation's."""
    if actor.is_agent or actor.user is None:
        return ci_visible(actor)
    return scope_to_organisations(
        actor,
        ConfigurationItem.objects.all(),
        requester=Q(organisation__isnull=True) | Q(organisation_id=actor.user.organisation_id),
    )


def _with_relations(qs: QuerySet[ConfigurationItem]) -> QuerySet[ConfigurationItem]:
    return qs.select_related("ci_class", "owner_team", "support_team", "organisation", "location")


def ci_list(
    actor: Actor,
    *,
    q: str = "",
    ci_class: str = "",
    status: str = "",
    environment: str = "",
    owner_team: str = "",
    attrs: dict[str, str] | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of visible CIs by name; ``ci_class`` includes its subclasses; ``attrs`` match
    attribute values (typed by the class's schema when a class is given)."""
    qs = ci_visible(actor)
    schema: dict[str, dict[str, Any]] = {}
    if ci_class:
        tree = class_tree()
        cls = tree.by_slug.get(ci_class)
        if cls is None:
            raise ValidationFailed.one("class", f"no CI class {ci_class!r}")
        qs = qs.filter(ci_class_id__in=tree.descendants(cls))
        schema = tree.schema(cls)
    if status:
        if status not in CIStatus.values:
            raise ValidationFailed.one("status", f"one of {', '.join(CIStatus.values)}")
        qs = qs.filter(status=status)
    if environment:
        if environment not in Environment.values:
            raise ValidationFailed.one("environment", f"one of {', '.join(Environment.values)}")
        qs = qs.filter(environment=environment)
    if owner_team:
        qs = qs.filter(owner_team__slug=owner_team)
    for index, (name, raw) in enumerate((attrs or {}).items()):
        if schema and name not in schema:
            raise ValidationFailed.one(f"attr.{name}", f"not an attribute of {ci_class}")
        try:
            value = coerce_query(schema.get(name), raw)
        except ValueError as exc:
            raise ValidationFailed.one(f"attr.{name}", str(exc)) from exc
        # the name is one key of the JSON, compared for equality: never read as a path or
        # a lookup (``attr.os__regex=(`` was a regular expression run on every row, and a
        # bad one a 500)
        alias = f"_attr_{index}"
        qs = qs.alias(**{alias: KeyTransform(name, "attributes")}).filter(**{alias: value})
    q = q.strip()
    if q and NUMBER.fullmatch(q.upper()):
        qs = qs.filter(number=q.upper())
    elif q:
        qs = qs.filter(name__icontains=q)
    return paginate(_with_relations(qs), order=("name", "id"), cursor=cursor, limit=limit)


def ci_get(actor: Actor, *, number: str) -> ConfigurationItem:
    """One visible CI by number; ``NotFound`` for absent and invisible alike."""
    ci = _with_relations(ci_visible(actor)).filter(number=number).first()
    if ci is None:
        raise NotFound()
    return ci


def ci_for_update(actor: Actor, *, number: str) -> ConfigurationItem:
    """The CI locked for a write."""
    ci = (
        ci_visible(actor)
        .select_for_update(of=("self",))
        .select_related("ci_class")
        .filter(number=number)
        .first()
    )
    if ci is None:
        raise NotFound()
    return ci


def ci_choices(actor: Actor, numbers: set[str]) -> dict[str, ConfigurationItem]:
    """Visible CIs by number, in one query (references in attributes and relationships).

    For an actor who sees every CI and a few numbers (a change's CIs, a relationship's
    ends) the query is compiled once per process and count (``_by_numbers``): compiling the
    ORM's ``select_related`` query was a quarter of a change create's CPU (decision 0074).
    The objects are the same either way."""
    if not numbers:
        return {}
    if len(numbers) <= COMPILED_UP_TO and sees_everything(actor):
        return {ci.number: ci for ci in _by_numbers(numbers)}
    return {
        ci.number: ci
        for ci in ci_visible(actor).select_related("ci_class").filter(number__in=numbers)
    }


COMPILED_UP_TO = 32  # numbers read by compiled SQL: 1, 2, 4, .. 32 of them, six statements
_OWN = tuple(f.attname for f in ConfigurationItem._meta.concrete_fields)
_CLASS = tuple(f.attname for f in CIClass._meta.concrete_fields)
_JOINED = tuple(f"ci_class__{name}" for name in _CLASS)


def _numbered(numbers: list[str]) -> QuerySet:
    # the CI's columns and its class's through the join ``select_related`` makes
    return ConfigurationItem.objects.filter(number__in=numbers).values(*_OWN, *_JOINED)


def _by_numbers(numbers: set[str]) -> list[ConfigurationItem]:
    """``ConfigurationItem.objects.select_related("ci_class").filter(number__in=numbers)``
    read from compiled SQL and built as that query builds them (every field of both
    loaded, the class cached on the CI). The numbers are padded to a power of two by
    repeating the last (``IN`` ignores the repeats), so few shapes are compiled."""
    wanted = sorted(numbers)
    wanted += wanted[-1:] * ((1 << (len(wanted) - 1).bit_length()) - len(wanted))
    db = ConfigurationItem.objects.db
    found = []
    for row in compiled.rows("cmdb.ci_choices", _numbered, numbers=wanted):
        ci = shell(ConfigurationItem, db, {name: row[name] for name in _OWN})
        values = {name: row[joined] for name, joined in zip(_CLASS, _JOINED, strict=True)}
        cache_related(ci, "ci_class", shell(CIClass, db, values))
        found.append(ci)
    return found


def ci_suggest(
    actor: Actor, *, q: str, services_only: bool = False, ci_class: str = ""
) -> list[ConfigurationItem]:
    """CIs the actor may see whose name or number contains ``q`` (a picker's choices), by
    name; business services only (the class and its subclasses) when the field needs one,
    likewise ``ci_class`` (a slug) for a reference attribute. A requester, who opens no
    CI, is offered the services she may name (``ci_nameable``: her organisation's and
    those of none), so her "Report a problem" form picks the affected service by name."""
    from django.db.models import Q

    base = ci_nameable(actor) if services_only else ci_visible(actor)
    qs = base.select_related("ci_class")
    root_slug = "business_service" if services_only else ci_class
    if root_slug:
        tree = class_tree()
        root = tree.by_slug.get(root_slug)
        qs = qs.filter(ci_class_id__in=tree.descendants(root) if root is not None else [])
    for word in q.split()[:4]:
        qs = qs.filter(Q(name__icontains=word) | Q(number__icontains=word))
    return list(qs.order_by("name", "id")[:10])
