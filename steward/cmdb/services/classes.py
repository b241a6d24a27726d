"""Administering the CMDB's vocabulary: CI classes (with their attribute schemas and
identification keys) and relationship types. Administrators only; audited; an edit that
would strand values CIs already hold is refused, not silently applied."""

from __future__ import annotations

import copy
import re
from typing import Any

from django.db import transaction
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext

from steward.cmdb import selectors
from steward.cmdb.choices import AttributeType
from steward.cmdb.models import CIClass, ConfigurationItem, RelationshipType
from steward.cmdb.selectors import ClassTree
from steward.cmdb.selectors.schema import effective_schema, enum_choice
from steward.cmdb.services import identity
from steward.cmdb.services.validation import check_spec
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import NotFound, PermissionDenied, ValidationFailed
from steward.core.services.common import (
    bump_version,
    check_version,
    reject_unknown,
    unique_or_refused,
)
from steward.core.text import SINGLE_LINE_MESSAGE, is_single_line

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
CLASS_FIELDS = {"name", "slug", "parent", "description", "attributes", "identification_keys"}
CLASS_AUDITED = sorted(CLASS_FIELDS | {"is_active"})
TYPE_AUDITED = ["slug", "name", "inverse_name", "source_depends_on_target"]


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(
            gettext("Only administrators change CI classes and relationship types.")
        )


def _text(
    errors: dict, name: str, value: Any, *, limit: int, required: bool = True, line: bool = True
) -> str:
    """Trimmed text of at most ``limit``; ``line``: one line (a name), as the forms and the
    API's ``SingleLine`` have it, so a name written by any path cannot forge a second line."""
    text = value.strip() if isinstance(value, str) else None
    if text is not None and line and not is_single_line(text):
        errors[name] = [SINGLE_LINE_MESSAGE]  # as the API's SingleLine says it
        return ""
    if text is None or (required and not text) or len(text) > limit:
        errors[name] = [
            (
                gettext("required, text of at most %(limit)s characters")
                if required
                else gettext("text of at most %(limit)s characters")
            )
            % {"limit": limit}
        ]
        return ""
    return text


def _with(tree: ClassTree, cls: CIClass) -> ClassTree:
    """The tree as it would be with ``cls`` (a changed copy, or a new class) in it."""
    by_id = {**tree.by_id, cls.id: cls}
    return ClassTree({c.slug: c for c in by_id.values()}, by_id)


def _check_schema(tree: ClassTree, cls: CIClass, errors: dict[str, list[str]]) -> None:
    """The class's own attributes, its keys, and what its parents and children define."""
    try:
        cls.attributes = check_spec(cls.attributes)
    except ValueError as exc:
        errors["attributes"] = [str(exc)]
        return
    problems = []
    chain = tree.chain(cls)
    inherited = effective_schema(chain[:-1])
    for spec in cls.attributes:
        if spec["name"] in inherited:
            owner = next(
                c for c in chain[:-1] if any(s["name"] == spec["name"] for s in c.attributes)
            )
            problems.append(f"{spec['name']} is already inherited from {owner.slug}")
        if not isinstance(spec["required"], bool):
            problems.append(f"{spec['name']}: required is true or false")
        if spec["type"] == AttributeType.REFERENCE:
            target = spec.get("reference_class")
            if target is not None and target not in tree.by_slug:
                problems.append(f"{spec['name']}: no CI class {target!r} to refer to")
        elif spec.get("reference_class"):
            problems.append(f"{spec['name']}: only a reference has a reference class")
        if spec["type"] != AttributeType.ENUM and spec.get("choices"):
            problems.append(f"{spec['name']}: only an enum has choices")
    schema = effective_schema(chain)
    for other in tree.by_id.values():
        if other.id != cls.id and cls in tree.chain(other):  # a subclass
            problems.extend(
                f"{spec['name']} is also defined by subclass {other.slug}"
                for spec in other.attributes or []
                if spec["name"] in schema
            )
    if problems:
        errors["attributes"] = problems
    keys = cls.identification_keys
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        errors["identification_keys"] = [gettext("a list of attribute names")]
    else:
        unknown = [k for k in keys if k not in schema]
        if unknown:
            errors["identification_keys"] = [
                gettext("not attributes of this class: %(unknown)s")
                % {"unknown": ", ".join(unknown)}
            ]


def _check(tree: ClassTree, cls: CIClass, errors: dict[str, list[str]]) -> None:
    """Names, the parent chain (no cycles), then the schema."""
    taken = {c.slug: c.id for c in tree.by_id.values() if c.id != cls.id}
    if not SLUG.match(cls.slug or ""):
        errors["slug"] = [gettext("lower-case letters, digits, - and _, at most 60")]
    elif cls.slug in taken:
        errors["slug"] = [gettext("a class %(slug)s exists") % {"slug": repr(cls.slug)}]
    if cls.name and any(c.name == cls.name for c in tree.by_id.values() if c.id != cls.id):
        errors["name"] = [gettext("a class named %(name)s exists") % {"name": repr(cls.name)}]
    node, seen = cls, set()
    while node is not None and node.parent_id is not None:
        if node.id in seen or node.parent_id == cls.id:
            errors["parent"] = [gettext("that parent would make the class its own ancestor")]
            return
        seen.add(node.id)
        node = tree.by_id.get(node.parent_id)
    if not errors.get("slug"):
        _check_schema(_with(tree, cls), cls, errors)


def _parent(tree: ClassTree, slug: Any, errors: dict) -> CIClass | None:
    if slug in (None, ""):
        return None
    found = tree.by_slug.get(slug) if isinstance(slug, str) else None
    if found is None:
        errors["parent"] = [gettext("no CI class %(slug)s") % {"slug": repr(slug)}]
    return found


@transaction.atomic
def ci_class_create(
    actor: Actor,
    *,
    name: str,
    slug: str,
    parent: str | None = None,
    description: str = "",
    attributes: list[dict[str, Any]] | None = None,
    identification_keys: list[str] | None = None,
) -> CIClass:
    """Define a class; its attributes may not repeat what it inherits."""
    require_admin(actor)
    tree = selectors.class_tree()
    errors: dict[str, list[str]] = {}
    cls = CIClass(
        id=0,  # a stand-in id while the checks place it in the tree
        name=_text(errors, "name", name, limit=100),
        slug=slug if isinstance(slug, str) else "",
        description=_text(
            errors, "description", description, limit=20_000, required=False, line=False
        ),
        attributes=attributes if attributes is not None else [],
        identification_keys=identification_keys if identification_keys is not None else [],
    )
    found_parent = _parent(tree, parent, errors)
    cls.parent_id = found_parent.id if found_parent else None
    _check(tree, cls, errors)
    if errors:
        raise ValidationFailed(errors)
    cls.id = None
    with unique_or_refused(CIClass, _taken(cls)):  # a concurrent create of the same name
        cls.save()
    audit.record(actor, cls, action=AuditAction.CREATE, after=audit.snapshot(cls, CLASS_AUDITED))
    outbox.emit("ci_class.created", cls, slug=cls.slug)
    return cls


def _is_choice(spec: dict[str, Any], value: Any) -> bool:
    try:
        enum_choice(spec, value)
    except ValueError:
        return False
    return True


def _stranded(tree: ClassTree, old: CIClass, new: CIClass) -> dict[str, list[str]]:
    """Attributes the edit removes, renames or retypes that CIs of the class (or below)
    still hold: one ``has_key`` query per such attribute."""
    before = tree.schema(old)
    after = _with(tree, new).schema(new)
    gone = sorted(
        n for n, spec in before.items() if n not in after or after[n]["type"] != spec["type"]
    )
    classes = tree.descendants(old)
    used = [
        n
        for n in gone
        if ConfigurationItem.objects.filter(ci_class_id__in=classes, attributes__has_key=n).exists()
    ]
    problems = [
        f"{n} is still set on CIs of {old.slug} or its subclasses; clear it there first"
        for n in used
    ]
    # an enum losing choices its CIs hold would leave them with values outside its choices,
    # which no write path accepts (``schema.enum_choice``): one query per such attribute
    for name, spec in sorted(before.items()):
        if spec["type"] != AttributeType.ENUM or name in gone:
            continue
        kept = after[name]
        dropped = [c for c in spec.get("choices") or [] if not _is_choice(kept, c)]
        held = dropped and (
            ConfigurationItem.objects.filter(ci_class_id__in=classes)
            .alias(_value=KeyTransform(name, "attributes"))
            .filter(_value__in=dropped)
            .exists()
        )
        if held:
            problems.append(
                f"{name}: CIs of {old.slug} or its subclasses still hold a choice it would "
                f"lose ({', '.join(map(str, dropped))}); change them there first"
            )
    return {"attributes": problems} if problems else {}


@transaction.atomic
def ci_class_update(
    actor: Actor, *, slug: str, expected_version: int | None, changes: dict[str, Any]
) -> CIClass:
    """Rename, re-parent, describe or re-schema a class, checked against its subclasses and
    the values its CIs hold."""
    current = selectors.ci_class_visible(actor).select_for_update().filter(slug=slug).first()
    if current is None:
        raise NotFound()  # invisible: 404 before 403
    require_admin(actor)
    reject_unknown(changes, CLASS_FIELDS | {"is_active"})
    check_version(current, expected_version)
    tree = selectors.class_tree()
    errors: dict[str, list[str]] = {}
    new = copy.copy(current)
    if "name" in changes:
        new.name = _text(errors, "name", changes["name"], limit=100)
    if "slug" in changes:
        new.slug = changes["slug"] if isinstance(changes["slug"], str) else ""
    if "description" in changes:
        new.description = _text(
            errors, "description", changes["description"], limit=20_000, required=False, line=False
        )
    if "parent" in changes:
        found_parent = _parent(tree, changes["parent"], errors)
        new.parent_id = found_parent.id if found_parent else None
    for name in ("attributes", "identification_keys"):
        if name in changes:
            setattr(new, name, changes[name] if changes[name] is not None else [])
    if "is_active" in changes:
        if not isinstance(changes["is_active"], bool):
            errors["is_active"] = [gettext("true or false")]
        new.is_active = changes["is_active"] is True
    _check(tree, new, errors)
    if not errors:
        errors = _stranded(tree, current, new)
    if errors:
        raise ValidationFailed(errors)
    before = audit.snapshot(current, CLASS_AUDITED)
    after = audit.snapshot(new, CLASS_AUDITED)
    changed = [name for name in CLASS_AUDITED if before[name] != after[name]]
    if not changed:
        return current
    for name in changed:
        setattr(current, _att(name), getattr(new, _att(name)))
    with unique_or_refused(CIClass, _taken(current)):  # a concurrent rename to the same
        bump_version(current, changed)
    audit.record(actor, current, before=before, after=after)
    if {"identification_keys", "parent"} & set(changed):
        # imports match on the effective keys, which this class's subclasses inherit
        fresh = selectors.class_tree()
        identity.resync_classes(fresh, fresh.descendants(fresh.by_id[current.id]))
    outbox.emit("ci_class.updated", current, slug=current.slug, changed=changed)
    return current


def _taken(cls: CIClass) -> dict[str, str]:
    """The unique checks' messages, for a write that a concurrent one beat to its slug or
    name after ``_check`` found them free: the same 422, not a 500."""
    return {
        "slug": gettext("a class %(slug)s exists") % {"slug": repr(cls.slug)},
        "name": gettext("a class named %(name)s exists") % {"name": repr(cls.name)},
    }


def _att(name: str) -> str:
    return "parent_id" if name == "parent" else name


@transaction.atomic
def relationship_type_create(
    actor: Actor,
    *,
    slug: str,
    name: str,
    inverse_name: str,
    source_depends_on_target: bool = True,
) -> RelationshipType:
    """A new kind of link; ``source_depends_on_target`` tells impact analysis its direction."""
    require_admin(actor)
    errors: dict[str, list[str]] = {}
    if not isinstance(slug, str) or not SLUG.match(slug) or len(slug) > 40:
        errors["slug"] = [gettext("lower-case letters, digits, - and _, at most 40")]
    elif RelationshipType.objects.filter(slug=slug).exists():
        errors["slug"] = [gettext("a relationship type %(slug)s exists") % {"slug": repr(slug)}]
    clean_name = _text(errors, "name", name, limit=60)
    clean_inverse = _text(errors, "inverse_name", inverse_name, limit=60)
    if not isinstance(source_depends_on_target, bool):
        errors["source_depends_on_target"] = [gettext("true or false")]
    if errors:
        raise ValidationFailed(errors)
    taken = gettext("a relationship type %(slug)s exists") % {"slug": repr(slug)}
    with unique_or_refused(RelationshipType, {"slug": taken}):  # a concurrent create
        kind = RelationshipType.objects.create(
            slug=slug,
            name=clean_name,
            inverse_name=clean_inverse,
            source_depends_on_target=source_depends_on_target,
        )
    audit.record(actor, kind, action=AuditAction.CREATE, after=audit.snapshot(kind, TYPE_AUDITED))
    outbox.emit("relationship_type.created", kind, slug=kind.slug)
    return kind
