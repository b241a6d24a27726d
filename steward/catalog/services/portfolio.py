"""Administering the portfolio: services and catalogue items (administrators only).

An item's form, approval stages and task templates are checked by ``validation`` on every
write, so a request is never ordered against a definition that cannot run.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from steward.catalog import selectors
from steward.catalog.choices import Audience, ServiceKind, Stage
from steward.catalog.models import CatalogItem, Service
from steward.catalog.services import validation
from steward.cmdb import selectors as cmdb_selectors
from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction, Role
from steward.core.errors import ValidationFailed
from steward.core.models import Organisation, Team, User
from steward.core.services.common import (
    clean_required_text,
    new_slug,
    reject_unknown,
    require_admin,
    resolve_ref,
    unique_or_refused,
)
from steward.core.services.records import RecordRules, record_update
from steward.sla.models import SlaPolicy

SERVICE_FIELDS = {
    "name",
    "kind",
    "description",
    "stage",
    "owner",
    "support_team",
    "sla_policy",
    "configuration_item",
}
ITEM_FIELDS = {
    "name",
    "category",
    "description",
    "service",
    "audience",
    "audience_organisations",
    "audience_roles",
    "form",
    "approval_stages",
    "task_mode",
    "task_templates",
    "sla_policy",
    "is_active",
}


def _choice(values: dict[str, Any], errors: dict, name: str, allowed: list[str]) -> None:
    if name in values and values[name] not in allowed:
        errors[name] = [_("one of %(value)s") % {"value": ", ".join(allowed)}]


def _clean_service(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean_required_text(values, errors, "name", max_length=120)
    _choice(values, errors, "kind", ServiceKind.values)
    _choice(values, errors, "stage", Stage.values)
    if errors:
        raise ValidationFailed(errors)
    refs = {
        "owner": (User.objects.filter(is_active=True), "username", "person"),
        "support_team": (Team.objects.filter(is_active=True), "slug", "team"),
        "sla_policy": (SlaPolicy.objects.filter(is_active=True), "slug", "SLA policy"),
        # the same CIs incidents name as their affected service
        "configuration_item": (cmdb_selectors.ci_visible(actor), "number", "CI"),
    }
    for name, (qs, key, label) in refs.items():
        if name in values:
            values[name] = resolve_ref(qs, name, values[name], key=key, label=label)
    if "description" in values:
        values["description"] = str(values["description"] or "")
    return values


def _service_taken() -> dict[str, str]:
    """The refusals of a service's taken slug or name (``new_slug`` says why whole)."""
    return {
        "slug": _("a service with this slug already exists"),
        "name": _("a service with this name already exists"),
    }


def _item_taken() -> dict[str, str]:
    """The refusals of a catalogue item's taken slug or name."""
    return {
        "slug": _("a catalogue item with this slug already exists"),
        "name": _("a catalogue item with this name already exists"),
    }


@transaction.atomic
def service_create(actor: Actor, *, name: str, slug: str = "", **fields: Any) -> Service:
    """Add a service to the portfolio (pipeline unless said otherwise)."""
    require_admin(actor, _("change the service portfolio"))
    reject_unknown(fields, SERVICE_FIELDS - {"name"})
    clean = _clean_service(actor, {"name": name, **fields})
    service = Service(
        slug=new_slug(Service, slug=slug, name=clean["name"], taken=_service_taken()), **clean
    )
    # a create racing another of the same name or slug passed ``new_slug``'s check too
    with unique_or_refused(Service, _service_taken()):
        service.save()
    audit.record(
        actor,
        service,
        action=AuditAction.CREATE,
        after=audit.snapshot(service, sorted(SERVICE_FIELDS)),
    )
    outbox.emit("service.created", service, slug=service.slug)
    return service


@transaction.atomic
def service_update(
    actor: Actor, *, slug: str, expected_version: int | None, changes: dict[str, Any]
) -> Service:
    """Change a service; retiring one keeps its items and requests."""

    def load() -> Service:
        service = selectors.service_get(actor, slug=slug, for_update=True)
        require_admin(actor, _("change the service portfolio"))
        return service

    # no check before the write: the name's unique constraint is the check (a 422, not a 500)
    with unique_or_refused(Service, {"name": _service_taken()["name"]}):
        done = record_update(
            actor,
            load=load,
            rules=RecordRules(
                editable=SERVICE_FIELDS,
                audited=sorted(SERVICE_FIELDS),
                event="service.updated",
                payload=lambda s: {"slug": s.slug},
            ),
            expected_version=expected_version,
            changes=changes,
            clean=lambda service, c: _clean_service(actor, dict(c)),
        )
    return done.record


def _team_exists(slug: str) -> bool:
    return Team.objects.filter(slug=slug, is_active=True).exists()


def _policy_exists(slug: str) -> bool:
    return SlaPolicy.objects.filter(slug=slug, is_active=True).exists()


def _clean_item(actor: Actor, values: dict[str, Any], item: CatalogItem | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean_required_text(values, errors, "name", max_length=120)
    _choice(values, errors, "audience", Audience.values)
    if "category" in values:
        values["category"] = str(values["category"] or "").strip()[:60]
    if "description" in values:
        values["description"] = str(values["description"] or "")
    if "is_active" in values and not isinstance(values["is_active"], bool):
        errors["is_active"] = [_("true or false")]
    roles = values.get("audience_roles")
    if "audience_roles" in values and (
        not isinstance(roles, list) or any(r not in Role.values for r in roles)
    ):
        errors["audience_roles"] = [_("a list of: %(values)s") % {"values": ", ".join(Role.values)}]
    if errors:
        raise ValidationFailed(errors)
    if "service" in values:
        values["service"] = resolve_ref(
            Service.objects.all(), "service", values["service"], key="slug", label="service"
        )
    if "sla_policy" in values:
        values["sla_policy"] = resolve_ref(
            SlaPolicy.objects.filter(is_active=True),
            "sla_policy",
            values["sla_policy"],
            key="slug",
            label="SLA policy",
        )
    if "audience_organisations" in values:
        values["audience_organisations"] = _organisations(values["audience_organisations"])
    if "form" in values:
        values["form"] = validation.clean_form(values["form"])
    if "approval_stages" in values:
        values["approval_stages"] = validation.clean_stages(
            values["approval_stages"], team_exists=_team_exists
        )
    if "task_templates" in values or "task_mode" in values:
        mode = values.get("task_mode", item.task_mode if item else "ordered")
        raw = values.get("task_templates", item.task_templates if item else [])
        values["task_templates"], values["task_mode"] = validation.clean_tasks(
            raw, mode, team_exists=_team_exists, policy_exists=_policy_exists
        )
    return values


def _organisations(slugs: Any) -> list[Organisation]:
    if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
        raise ValidationFailed.one("audience_organisations", _("a list of organisation slugs"))
    found = list(Organisation.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {o.slug for o in found})
    if missing:
        raise ValidationFailed.one(
            "audience_organisations", _("no organisation %(value)s") % {"value": repr(missing[0])}
        )
    return found


def _org_slugs(item: CatalogItem) -> dict[str, Any]:
    return {"audience_organisations": sorted(o.slug for o in item.audience_organisations.all())}


def _apply_item(item: CatalogItem, clean: dict[str, Any]) -> None:
    clean = dict(clean)
    organisations = clean.pop("audience_organisations", None)
    for name, value in clean.items():
        setattr(item, name, value)
    if organisations is not None:
        item.audience_organisations.set(organisations)


ITEM_AUDITED = sorted(ITEM_FIELDS - {"audience_organisations"})


@transaction.atomic
def item_create(actor: Actor, *, name: str, slug: str = "", **fields: Any) -> CatalogItem:
    """Add a catalogue item with its form, approval stages and fulfilment tasks."""
    require_admin(actor, _("build catalogue items"))
    reject_unknown(fields, ITEM_FIELDS - {"name"})
    clean = _clean_item(actor, {"name": name, **fields}, None)
    organisations = clean.pop("audience_organisations", [])
    item = CatalogItem(
        slug=new_slug(CatalogItem, slug=slug, name=clean["name"], taken=_item_taken()), **clean
    )
    with unique_or_refused(CatalogItem, _item_taken()):  # as in service_create
        item.save()
    item.audience_organisations.set(organisations)
    audit.record(
        actor,
        item,
        action=AuditAction.CREATE,
        after={**audit.snapshot(item, ITEM_AUDITED), **_org_slugs(item)},
    )
    outbox.emit("catalog_item.created", item, slug=item.slug)
    return item


@transaction.atomic
def item_update(
    actor: Actor, *, slug: str, expected_version: int | None, changes: dict[str, Any]
) -> CatalogItem:
    """Change an item; requests already ordered keep the definitions they were ordered with."""

    def load() -> CatalogItem:
        item = selectors.item_get(actor, slug=slug, for_update=True)
        require_admin(actor, _("build catalogue items"))
        return item

    with unique_or_refused(CatalogItem, {"name": _item_taken()["name"]}):
        done = record_update(
            actor,
            load=load,
            rules=RecordRules(
                editable=ITEM_FIELDS,
                audited=ITEM_AUDITED,
                event="catalog_item.updated",
                related=_org_slugs,
                payload=lambda i: {"slug": i.slug},
            ),
            expected_version=expected_version,
            changes=changes,
            clean=lambda item, c: _clean_item(actor, dict(c), item),
            apply=_apply_item,
        )
    return done.record
