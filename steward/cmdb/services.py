"""CMDB write use cases: create and update CIs (attributes validated against the class's
effective schema on every write), relate and unrelate them. Administrators and asset
managers write; every write is audited and emits an outbox event."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from steward.cmdb import history, identity, selectors
from steward.cmdb.attributes import validate
from steward.cmdb.choices import CIStatus, Criticality, Environment
from steward.cmdb.models import ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.selectors import ClassTree
from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Role, Scope
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import Location
from steward.core.numbering import next_number
from steward.core.services.common import bump_version, check_version, reject_unknown, resolve_ref

FIELDS = {
    "name",
    "description",
    "ci_class",
    "attributes",
    "status",
    "environment",
    "criticality",
    "owner_team",
    "support_team",
    "organisation",
    "location",
    "software_version",
}
AUDITED = sorted(FIELDS | {"number"})
REL_AUDITED = ["source", "target", "type"]


def can_write(actor: Actor) -> bool:
    """Administrators, and agents holding the asset manager role with a writing token."""
    if actor.is_admin:
        return True
    return (
        actor.is_agent and actor.user.has_role(Role.ASSET_MANAGER) and actor.has_scope(Scope.WRITE)
    )


def require_write(actor: Actor) -> None:
    if not can_write(actor):
        raise PermissionDenied("Only administrators and asset managers change the CMDB.")


def _reference_checker(actor: Actor, tree: ClassTree, values: Any, schema: dict, self_number=""):
    """Resolve every reference in ``values`` with one query; returns the checker ``validate``
    calls per reference."""
    wanted = {
        v
        for k, v in (values.items() if isinstance(values, dict) else [])
        if isinstance(v, str) and schema.get(k, {}).get("type") == "reference"
    }
    found = selectors.ci_choices(actor, wanted)

    def check(number: str, reference_class: str | None) -> str | None:
        if number == self_number:
            return "a CI cannot refer to itself"
        ci = found.get(number)
        if ci is None:
            return f"no CI {number!r}"
        if reference_class and not tree.is_a(tree.by_id[ci.ci_class_id], reference_class):
            return f"{number} is not a {reference_class}"
        return None

    return check


def _clean(
    actor: Actor, values: dict[str, Any], ci: ConfigurationItem | None, tree: ClassTree
) -> dict[str, Any]:
    """Every field checked (references resolved as reads by the actor) before any write."""
    clean = dict(values)
    errors: dict[str, list[str]] = {}
    if "name" in clean:
        name = (clean["name"] or "").strip() if isinstance(clean["name"], str) else ""
        if not name or len(name) > 200:
            errors["name"] = ["required, at most 200 characters"]
        clean["name"] = name
    for name in ("description", "software_version"):
        if name in clean:
            clean[name] = clean[name] or ""
            if not isinstance(clean[name], str):
                errors[name] = ["expected text"]
    if len(clean.get("software_version") or "") > 100:
        errors["software_version"] = ["at most 100 characters"]
    for name, choices in (("status", CIStatus), ("environment", Environment)):
        if name in clean and clean[name] not in choices.values:
            errors[name] = [f"one of {', '.join(choices.values)}"]
    if "criticality" in clean and clean["criticality"] not in Criticality.values:
        errors["criticality"] = ["1 (critical) to 4 (low)"]
    if "ci_class" in clean:
        cls = tree.by_slug.get(clean["ci_class"] or "")
        if cls is None or not cls.is_active:
            errors["ci_class"] = [f"no CI class {clean['ci_class']!r}"]
        clean["ci_class"] = cls
    if errors:
        raise ValidationFailed(errors)
    for name in ("owner_team", "support_team"):
        if name in clean:
            clean[name] = resolve_ref(
                core_selectors.team_visible(actor), name, clean[name], key="slug", label="team"
            )
    if "organisation" in clean:
        clean["organisation"] = resolve_ref(
            core_selectors.organisation_visible(actor),
            "organisation",
            clean["organisation"],
            key="slug",
            label="organisation",
        )
    elif ci is None:
        # a limited asset manager's CI belongs to the organisation they serve
        served = core_selectors.served_organisation_ids(actor)
        clean["organisation"] = (
            core_selectors.organisation_visible(actor).order_by("id").first() if served else None
        )
    if "location" in clean:
        clean["location"] = resolve_ref(
            Location.objects.all(), "location", clean["location"], key="name", label="location"
        )
    return clean


def _attributes(
    actor: Actor,
    tree: ClassTree,
    cls: Any,
    current: dict[str, Any],
    given: Any,
    *,
    number: str = "",
) -> dict[str, Any]:
    """The CI's attributes after a write: ``given`` merged over ``current`` (a null removes
    one, JSON merge-patch style), validated as a whole against the class's schema."""
    if given is not None and not isinstance(given, dict):
        raise ValidationFailed.one("attributes", "expected an object of attribute values")
    merged = {**current, **(given or {})}
    merged = {k: v for k, v in merged.items() if v is not None}
    schema = tree.schema(cls)
    clean, errors = validate(
        schema,
        merged,
        reference_ok=_reference_checker(actor, tree, merged, schema, self_number=number),
    )
    if errors:
        raise ValidationFailed(errors)
    return clean


@transaction.atomic
def ci_create(actor: Actor, *, name: str, ci_class: str, **fields: Any) -> ConfigurationItem:
    """Record a CI: its attributes must fit its class's effective schema."""
    require_write(actor)
    reject_unknown(fields, FIELDS - {"name", "ci_class"})
    tree = selectors.class_tree()
    given = fields.pop("attributes", None)
    clean = _clean(actor, {"name": name, "ci_class": ci_class, **fields}, None, tree)
    clean["attributes"] = _attributes(actor, tree, clean["ci_class"], {}, given)
    ci = ConfigurationItem(number=next_number("CI"), **clean)
    identity.claim(ci, identity.given_names(fields, given))  # people create as "manual"
    ci.save()
    identity.sync(tree, [ci])
    audit.record(actor, ci, action=AuditAction.CREATE, after=audit.snapshot(ci, AUDITED))
    outbox.emit("ci.created", ci, number=ci.number, ci_class=ci.ci_class.slug)
    return ci


@transaction.atomic
def ci_update(
    actor: Actor, *, number: str, expected_version: int | None, changes: dict[str, Any]
) -> ConfigurationItem:
    """Change a CI's fields; attributes are merged and the result revalidated (also against
    a new class when ``ci_class`` changes)."""
    ci = selectors.ci_for_update(actor, number=number)  # invisible: 404 before 403
    require_write(actor)
    reject_unknown(changes, FIELDS)
    check_version(ci, expected_version)
    tree = selectors.class_tree()
    given = changes.get("attributes")
    clean = _clean(actor, {k: v for k, v in changes.items() if k != "attributes"}, ci, tree)
    cls = clean.get("ci_class") or tree.by_id[ci.ci_class_id]
    if "attributes" in changes or "ci_class" in clean:
        clean["attributes"] = _attributes(actor, tree, cls, ci.attributes, given, number=ci.number)
    before = audit.snapshot(ci, AUDITED)
    for name, value in clean.items():
        setattr(ci, name, value)
    after = audit.snapshot(ci, AUDITED)
    changed = [name for name in AUDITED if before.get(name) != after.get(name)]
    if not changed:
        return ci
    identity.claim(ci, identity.changed_names(before, after))  # people edit as "manual"
    bump_version(ci, [*changed, "attribute_sources"])
    if {"attributes", "ci_class"} & set(changed):
        identity.sync(tree, [ci])
    audit.record(actor, ci, before=before, after=after)
    outbox.emit("ci.updated", ci, number=ci.number, changed=changed)
    return ci


@transaction.atomic
def relationship_create(
    actor: Actor,
    *,
    source: str,
    target: str,
    type: str,  # noqa: A002 - the API's name
) -> Relationship:
    """Relate two visible CIs; never a CI to itself, never the same triple twice."""
    require_write(actor)
    found = selectors.ci_choices(actor, {source, target} - {""})
    errors: dict[str, list[str]] = {}
    for name, number in (("source", source), ("target", target)):
        if number not in found:
            errors[name] = [f"no CI {number!r}"]
    rel_type = RelationshipType.objects.filter(slug=type).first()
    if rel_type is None:
        slugs = ", ".join(t.slug for t in selectors.relationship_types())
        errors["type"] = [f"one of {slugs}"]
    if not errors and source == target:
        errors["target"] = ["a CI cannot be related to itself"]
    if errors:
        raise ValidationFailed(errors)
    src, dst = found[source], found[target]
    if Relationship.objects.filter(source=src, target=dst, type=rel_type).exists():
        raise ValidationFailed.one("target", f"{source} already {rel_type.slug} {target}")
    relationship = Relationship.objects.create(source=src, target=dst, type=rel_type)
    audit.record(
        actor,
        relationship,
        action=AuditAction.CREATE,
        after={"source": src.number, "target": dst.number, "type": rel_type.slug},
    )
    history.record_link(actor, relationship, added=True)  # so each CI's past shows it
    outbox.emit(
        "relationship.created",
        relationship,
        source=src.number,
        target=dst.number,
        type=rel_type.slug,
    )
    return relationship


@transaction.atomic
def relationship_delete(actor: Actor, *, relationship_id: int) -> None:
    """Remove a relationship between two visible CIs; audited with what it linked."""
    relationship = selectors.relationship_get(
        actor, relationship_id=relationship_id, for_update=True
    )
    require_write(actor)
    before = {
        "source": relationship.source.number,
        "target": relationship.target.number,
        "type": relationship.type.slug,
    }
    audit.record(actor, relationship, action=AuditAction.DELETE, before=before)
    history.record_link(actor, relationship, added=False)
    outbox.emit("relationship.deleted", relationship, **before)
    relationship.delete()
