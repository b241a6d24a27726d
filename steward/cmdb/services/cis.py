"""CMDB write use cases for CIs: create and update them (attributes validated against the
class's effective schema on every write). Administrators and asset managers write; every
write is audited and emits an outbox event. An update runs core's ``record_update``
sequence, and a status move follows the CI lifecycle (``cmdb.workflow.CI_FLOW``)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from steward.cmdb import selectors
from steward.cmdb.choices import CIStatus, Criticality, Environment
from steward.cmdb.models import CI_FIELDS, ConfigurationItem
from steward.cmdb.selectors import ClassTree
from steward.cmdb.services import identity
from steward.cmdb.services.validation import validate
from steward.cmdb.workflow import CI_FLOW
from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.numbering import next_number
from steward.core.services.common import reject_unknown, resolve_ref, unknown_ci_message
from steward.core.services.records import RecordRules, record_update, set_fields
from steward.core.services.references import resolve_organisations

FIELDS = {*CI_FIELDS, "ci_class", "attributes"}
AUDITED = sorted(FIELDS | {"number"})


def require_write(actor: Actor) -> None:
    if not selectors.can_write(actor):
        raise PermissionDenied(_("Only administrators and asset managers change the CMDB."))


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
            return unknown_ci_message(number)
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
            errors["name"] = [_("required, at most 200 characters")]
        clean["name"] = name
    for name in ("description", "software_version"):
        if name in clean:
            clean[name] = clean[name] or ""
            if not isinstance(clean[name], str):
                errors[name] = [_("expected text")]
    if len(clean.get("software_version") or "") > 100:
        errors["software_version"] = [_("at most 100 characters")]
    for name, choices in (("status", CIStatus), ("environment", Environment)):
        if name in clean and clean[name] not in choices.values:
            errors[name] = [_("one of %(value)s") % {"value": ", ".join(choices.values)}]
    if "criticality" in clean and clean["criticality"] not in Criticality.values:
        errors["criticality"] = [_("1 (critical) to 4 (low)")]
    if "ci_class" in clean:
        cls = tree.by_slug.get(clean["ci_class"] or "")
        if cls is None or not cls.is_active:
            errors["ci_class"] = [_("no CI class %(value)s") % {"value": repr(clean["ci_class"])}]
        clean["ci_class"] = cls
    if errors:
        raise ValidationFailed(errors)
    for name in ("owner_team", "support_team"):
        if name in clean:
            clean[name] = resolve_ref(
                core_selectors.team_visible(actor), name, clean[name], key="slug", label="team"
            )
    if "organisation" in clean:
        resolve_organisations(actor, clean)
    elif ci is None:
        # a limited asset manager's CI belongs to the organisation they serve
        served = core_selectors.served_organisation_ids(actor)
        clean["organisation"] = (
            core_selectors.organisation_visible(actor).order_by("id").first() if served else None
        )
    if "location" in clean:
        clean["location"] = resolve_ref(
            core_selectors.location_visible(actor),
            "location",
            clean["location"],
            key="name",
            label="location",
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
        raise ValidationFailed.one("attributes", _("expected an object of attribute values"))
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


# what record_update needs to know; ``attribute_sources`` (who set what) is saved with the
# change, not audited
RULES = RecordRules(
    editable=FIELDS, audited=AUDITED, event="ci.updated", also_saved=["attribute_sources"]
)


def _load(actor: Actor, number: str) -> ConfigurationItem:
    ci = selectors.ci_for_update(actor, number=number)  # invisible: 404 before 403
    require_write(actor)
    return ci


def _clean_update(
    actor: Actor, tree: ClassTree, ci: ConfigurationItem, changes: dict[str, Any]
) -> dict[str, Any]:
    """The fields checked as on create, a status move checked against ``CI_FLOW``, and the
    attributes merged and revalidated (also against a new class when ``ci_class`` changes)."""
    given = changes.get("attributes")
    clean = _clean(actor, {k: v for k, v in changes.items() if k != "attributes"}, ci, tree)
    if clean.get("status", ci.status) != ci.status:
        CI_FLOW.check(ci, target=clean["status"], data={})
    cls = clean.get("ci_class") or tree.by_id[ci.ci_class_id]
    if "attributes" in changes or "ci_class" in clean:
        clean["attributes"] = _attributes(actor, tree, cls, ci.attributes, given, number=ci.number)
    return clean


def _apply(ci: ConfigurationItem, clean: dict[str, Any]) -> None:
    """Assign the values; people edit as "manual", so the fields and attributes they changed
    are claimed for that source."""
    before = audit.snapshot(ci, AUDITED)
    set_fields(ci, clean)
    identity.claim(ci, identity.changed_names(before, audit.snapshot(ci, AUDITED)))


@transaction.atomic
def ci_update(
    actor: Actor, *, number: str, expected_version: int | None, changes: dict[str, Any]
) -> ConfigurationItem:
    """Change a CI's fields through ``record_update``; a status move follows ``CI_FLOW``;
    attributes are merged and the result revalidated."""
    trees: list[ClassTree] = []  # the class tree ``clean`` read, for the identifier rows

    def clean_against_classes(ci: ConfigurationItem, values: dict[str, Any]) -> dict[str, Any]:
        trees.append(selectors.class_tree())
        return _clean_update(actor, trees[0], ci, values)

    done = record_update(
        actor,
        load=partial(_load, actor, number),
        rules=RULES,
        expected_version=expected_version,
        changes=changes,
        clean=clean_against_classes,
        apply=_apply,
    )
    if {"attributes", "ci_class"} & set(done.changed):
        identity.sync(trees[0], [done.record])
    return done.record
