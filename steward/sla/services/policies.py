"""SLA policies: which records get which response and resolution targets."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from steward.core import audit, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import ValidationFailed
from steward.core.models import Organisation
from steward.core.services import common
from steward.core.services.common import new_slug, reject_unknown
from steward.core.services.records import RecordRules, record_update
from steward.core.text import is_single_line
from steward.sla import selectors
from steward.sla.models import BusinessCalendar, SlaPolicy

EDITABLE = {
    "name",
    "calendar",
    "priorities",
    "categories",
    "services",
    "organisations",
    "precedence",
    "response_minutes",
    "resolution_minutes",
    "warning_percent",
    "pause_awaiting_approval",
    "is_active",
}
AUDITED = sorted(EDITABLE | {"slug"})
RULES = RecordRules(editable=EDITABLE, audited=AUDITED, event="sla_policy.updated")
MAX_TARGET_MINUTES = 1_000_000  # about 5 years of 9-hour business days
MAX_CONDITION_VALUES = 200


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _strings(field: str, value: Any, errors: dict[str, list[str]]) -> list[str]:
    if not isinstance(value, list | tuple) or len(value) > MAX_CONDITION_VALUES:
        errors[field] = [
            _("a list of at most %(MAX_CONDITION_VALUES)s values")
            % {"MAX_CONDITION_VALUES": MAX_CONDITION_VALUES}
        ]
        return []
    # a key is one line: a NUL would reach PostgreSQL (jsonb and slug look-ups refuse it)
    if not all(
        isinstance(v, str) and v.strip() and len(v) <= 100 and is_single_line(v) for v in value
    ):
        errors[field] = [_("each value a non-empty text of at most 100 characters")]
        return []
    return sorted({v.strip() for v in value})


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Validate every given field; all problems are reported at once."""
    clean = dict(values)
    errors: dict[str, list[str]] = {}
    common.clean_required_text(clean, errors, "name", max_length=120)
    for field in ("response_minutes", "resolution_minutes"):
        if field in clean:
            value = clean[field]
            if not _is_int(value) or not 0 < value <= MAX_TARGET_MINUTES:
                errors[field] = [
                    _("a whole number of business minutes, 1 to %(MAX_TARGET_MINUTES)s")
                    % {"MAX_TARGET_MINUTES": MAX_TARGET_MINUTES}
                ]
    if "warning_percent" in clean:
        value = clean["warning_percent"]
        if not _is_int(value) or not 1 <= value <= 99:
            errors["warning_percent"] = [_("a whole percentage from 1 to 99")]
    if "precedence" in clean:
        value = clean["precedence"]
        if not _is_int(value) or not 0 <= value <= 1_000_000:
            errors["precedence"] = [_("a whole number from 0 to 1000000; lower is tried first")]
    for flag in ("is_active", "pause_awaiting_approval"):
        if flag in clean and not isinstance(clean[flag], bool):
            errors[flag] = [_("true or false")]
    if "priorities" in clean:
        value = clean["priorities"]
        if not isinstance(value, list | tuple) or not all(
            _is_int(p) and 1 <= p <= 5 for p in value
        ):
            errors["priorities"] = [_("a list of priorities 1 (critical) to 5 (planning)")]
        else:
            clean["priorities"] = sorted(set(value))
    for field in ("categories", "services", "organisations"):
        if field in clean:
            clean[field] = _strings(field, clean[field], errors)
    if clean.get("organisations") and "organisations" not in errors:
        known = set(
            Organisation.objects.filter(slug__in=clean["organisations"]).values_list(
                "slug", flat=True
            )
        )
        unknown = [slug for slug in clean["organisations"] if slug not in known]
        if unknown:
            errors["organisations"] = [
                _("no organisation %(value)s") % {"value": ", ".join(unknown)}
            ]
    if "calendar" in clean:
        calendar = BusinessCalendar.objects.filter(slug=clean["calendar"] or "").first()
        if calendar is None:
            errors["calendar"] = [_("no calendar %(value)s") % {"value": repr(clean["calendar"])}]
        clean["calendar"] = calendar
    if errors:
        raise ValidationFailed(errors)
    return clean


@transaction.atomic
def policy_create(
    actor: Actor,
    *,
    name: str,
    calendar: str,
    response_minutes: int,
    resolution_minutes: int,
    slug: str = "",
    **fields: Any,
) -> SlaPolicy:
    """An administrator adds targets for the records matching the conditions (empty = any)."""
    common.require_admin(actor, _("change SLA policies"))
    reject_unknown(fields, EDITABLE)
    clean = _clean(
        {
            "name": name,
            "calendar": calendar,
            "response_minutes": response_minutes,
            "resolution_minutes": resolution_minutes,
            **fields,
        }
    )
    taken = {
        "slug": _("a policy with this slug already exists"),
        "name": _("a policy with this name already exists"),
    }
    slug = new_slug(SlaPolicy, slug=slug, name=clean["name"], taken=taken)
    with common.unique_or_refused(SlaPolicy, taken):
        policy = SlaPolicy.objects.create(slug=slug, **clean)
    audit.record(actor, policy, action=AuditAction.CREATE, after=audit.snapshot(policy, AUDITED))
    outbox.emit("sla_policy.created", policy)
    return policy


def policy_update(
    actor: Actor, *, slug: str, expected_version: int | None, changes: dict[str, Any]
) -> SlaPolicy:
    """Edit a policy. Running clocks keep their targets until the record asks to recompute."""

    def load() -> SlaPolicy:
        policy = selectors.policy_get(actor, slug=slug, for_update=True)
        common.require_admin(actor, _("change SLA policies"))
        return policy

    def clean(policy: SlaPolicy, values: dict[str, Any]) -> dict[str, Any]:
        cleaned = _clean(values)
        name = cleaned.get("name")
        if name and SlaPolicy.objects.filter(name=name).exclude(pk=policy.pk).exists():
            raise ValidationFailed.one("name", taken)
        return cleaned

    taken = _("a policy with this name already exists")
    # a rename racing another's passed the check in ``clean`` too
    with common.unique_or_refused(SlaPolicy, {"name": taken}):
        return record_update(
            actor,
            load=load,
            rules=RULES,
            expected_version=expected_version,
            changes=changes,
            clean=clean,
        ).record
