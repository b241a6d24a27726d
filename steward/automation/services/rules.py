"""Writing rules: administrators only, every part checked (``validation``), audited; the
save moves the automation stamp (apps.py), so every process runs the new rules from its
next request."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from steward.automation import selectors
from steward.automation.choices import SLA_TRIGGERS
from steward.automation.models import Rule
from steward.automation.services import validation
from steward.core import audit
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.services.common import (
    bump_version,
    check_version,
    reject_unknown,
    unique_or_refused,
)

EDITABLE = {
    "name",
    "description",
    "is_active",
    "trigger",
    "trigger_status",
    "trigger_clock",
    "position",
    "stop_processing",
    "conditions",
    "actions",
}
AUDITED = sorted(EDITABLE)


def _require_writer(actor: Actor) -> None:
    if not selectors.can_write(actor):
        raise PermissionDenied(_("Only administrators change automation rules."))


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed.one(name, _("true or false"))
    return value


def _description(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 2000:
        raise ValidationFailed.one("description", _("text of at most 2000 characters"))
    return value.strip()


def _clean(values: dict[str, Any], rule: Rule | None) -> dict[str, Any]:
    """The values checked, field by field; the trigger and its status together."""
    clean: dict[str, Any] = {}
    if "name" in values:
        clean["name"] = validation.name(values["name"])
        taken = Rule.objects.filter(name__iexact=clean["name"])
        if rule is not None:
            taken = taken.exclude(pk=rule.pk)
        if taken.exists():
            raise ValidationFailed.one("name", _("another rule has this name"))
    if "description" in values:
        clean["description"] = _description(values["description"])
    for flag in ("is_active", "stop_processing"):
        if flag in values:
            clean[flag] = _flag(flag, values[flag])
    if {"trigger", "trigger_status", "trigger_clock"} & set(values):
        trigger = values.get("trigger", rule.trigger if rule else None)
        status = values.get("trigger_status", rule.trigger_status if rule else "")
        clock = values.get("trigger_clock", rule.trigger_clock if rule else "")
        if "trigger" in values and "trigger_status" not in values and trigger != "status_changed":
            status = ""  # a trigger moved away from status changes drops its status
        if (
            "trigger" in values
            and "trigger_clock" not in values
            and trigger not in SLA_TRIGGERS.values()
        ):
            clock = ""  # and one moved away from the SLA triggers its clock
        clean["trigger"], clean["trigger_status"], clean["trigger_clock"] = validation.trigger(
            trigger, status, clock
        )
    if "position" in values and values["position"] is not None:
        clean["position"] = validation.position(values["position"])
    if "conditions" in values:
        clean["conditions"] = validation.conditions(values["conditions"])
    if "actions" in values:
        clean["actions"] = validation.actions(values["actions"])
    return clean


def rule_create(actor: Actor, **values: Any) -> Rule:
    """A new rule (last in order unless a position is given)."""
    _require_writer(actor)
    reject_unknown(values, EDITABLE)
    for required in ("name", "actions"):
        if required not in values:
            raise ValidationFailed.one(required, _("required"))
    values.setdefault("trigger", "created")
    values.setdefault("conditions", [])
    clean = _clean(values, None)
    with transaction.atomic():
        if "position" not in clean:
            last = Rule.objects.aggregate(last=Max("position"))["last"]
            clean["position"] = 10 if last is None else last + 10
        with unique_or_refused(Rule, {"name": _("another rule has this name")}):
            rule = Rule.objects.create(**clean)
        audit.record(actor, rule, action=AuditAction.CREATE, after=audit.snapshot(rule, AUDITED))
    return rule


@transaction.atomic
def rule_update(
    actor: Actor, *, pk: object, expected_version: int | None, changes: dict[str, Any]
) -> Rule:
    """Change a rule; ``expected_version`` (If-Match) refuses a stale edit (412)."""
    _require_writer(actor)
    rule = selectors.rule_for_update(actor, pk=pk)
    reject_unknown(changes, EDITABLE)
    check_version(rule, expected_version)
    clean = _clean(changes, rule)
    before = audit.snapshot(rule, AUDITED)
    for name, value in clean.items():
        setattr(rule, name, value)
    after = audit.snapshot(rule, AUDITED)
    changed = [n for n in AUDITED if before.get(n) != after.get(n)]
    if changed:
        with unique_or_refused(Rule, {"name": _("another rule has this name")}):
            bump_version(rule, changed)
        audit.record(actor, rule, before=before, after=after)
    return rule


@transaction.atomic
def rule_delete(actor: Actor, *, pk: object, expected_version: int | None = None) -> None:
    """Delete a rule; its run log stays, by the rule's name."""
    _require_writer(actor)
    rule = selectors.rule_for_update(actor, pk=pk)
    check_version(rule, expected_version)
    audit.record(actor, rule, action=AuditAction.DELETE, before=audit.snapshot(rule, AUDITED))
    rule.delete()
