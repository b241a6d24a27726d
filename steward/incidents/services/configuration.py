"""What administrators configure for incidents: categories (with the team a requester's new
incident of that category goes to), the priority matrix, SLA escalation rules, and how each
team assigns its new incidents.

Each write is one transaction: checked (administrators only), validated with messages naming
the field, audited with old and new values, and announced on the outbox.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from steward.core import audit, outbox
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import NotFound, ValidationFailed
from steward.core.services.common import reject_unknown, require_admin, unique_or_refused
from steward.core.services.references import active_team
from steward.incidents import selectors
from steward.incidents.choices import AssignmentMode, Impact, Priority
from steward.incidents.models import Category, EscalationRule, PriorityRule, TeamAssignment

CATEGORY_FIELDS = {"name", "parent", "default_team", "is_active"}
CATEGORY_AUDITED = ["name", "slug", "parent", "default_team", "is_active"]
RULE_FIELDS = {"name", "threshold", "clock_kind", "priorities", "action", "email", "team"}
RULE_FIELDS |= {"is_active"}
RULE_AUDITED = sorted(RULE_FIELDS)
THRESHOLDS = ("warning", "breach")
CLOCK_KINDS = ("", "response", "resolution")


def _clean_category(actor: Actor, clean: dict[str, Any], current: Category | None) -> None:
    if "name" in clean:
        clean["name"] = (clean["name"] or "").strip()
        if not clean["name"] or len(clean["name"]) > 100:
            raise ValidationFailed.one("name", _("required, at most 100 characters"))
    if "parent" in clean:
        slug = clean["parent"]
        parent = Category.objects.filter(slug=slug).first() if slug else None
        if slug and parent is None:
            raise ValidationFailed.one("parent", _("no category %(slug)s") % {"slug": repr(slug)})
        if parent is not None and parent.parent_id is not None:
            raise ValidationFailed.one("parent", _("a subcategory cannot have subcategories"))
        if current is not None and parent is not None:
            if parent.pk == current.pk:
                raise ValidationFailed.one("parent", _("a category cannot be its own parent"))
            if Category.objects.filter(parent=current).exists():
                raise ValidationFailed.one("parent", _("it has subcategories: it stays on top"))
        clean["parent"] = parent
    if "default_team" in clean:
        clean["default_team"] = active_team(actor, "default_team", clean["default_team"])
    name = clean.get("name", getattr(current, "name", ""))
    parent = clean.get("parent", getattr(current, "parent", None))
    taken = Category.objects.filter(name=name, parent=parent)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if taken.exists():
        raise ValidationFailed.one("name", _category_taken(name, parent))


def _category_taken(name: str, parent: Category | None) -> str:
    if parent:
        return _("there is already a category %(name)s under %(parent)s") % {
            "name": repr(name),
            "parent": parent.name,
        }
    return _("there is already a category %(name)s at the top level") % {"name": repr(name)}


def _category_unique(category: Category) -> AbstractContextManager[None]:
    """A create or rename racing another of the same name passed ``_clean_category``'s
    check too: the constraint's refusal is the check's 422. The slug is made from the
    name, so the race that meets it is a second create of the same name."""
    taken = _category_taken(category.name, category.parent)
    return unique_or_refused(Category, {"name": taken, "slug": taken}, named={"slug": "name"})


@transaction.atomic
def category_create(actor: Actor, *, name: str, **fields: Any) -> Category:
    """A new category, or a subcategory when ``parent`` (a top-level category's slug) is
    given; ``default_team`` (a slug) receives requesters' new incidents of it."""
    require_admin(actor, _("configure categories"))
    reject_unknown(fields, CATEGORY_FIELDS - {"name"})
    clean = {"name": name, **fields}
    _clean_category(actor, clean, None)
    base = slugify(f"{clean['parent'].slug}-{clean['name']}" if clean.get("parent") else name)
    if not base:
        raise ValidationFailed.one("name", _("needs letters or digits"))
    slug, n = base[:90], 1
    while Category.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base[:90]}-{n}"
    category = Category(slug=slug, **clean)
    with _category_unique(category):
        category.save()
    audit.record(
        actor, category, action=AuditAction.CREATE, after=audit.snapshot(category, CATEGORY_AUDITED)
    )
    outbox.emit("category.created", category, slug=category.slug)
    return category


@transaction.atomic
def category_update(actor: Actor, *, slug: str, changes: dict[str, Any]) -> Category:
    """Rename, move, re-route or (de)activate a category. A deactivated category is no
    longer offered on new incidents; incidents that have it keep it."""
    require_admin(actor, _("configure categories"))
    category = Category.objects.select_for_update().filter(slug=slug).first()
    if category is None:
        raise NotFound()
    reject_unknown(changes, CATEGORY_FIELDS)
    clean = dict(changes)
    _clean_category(actor, clean, category)
    before = audit.snapshot(category, CATEGORY_AUDITED)
    for name, value in clean.items():
        setattr(category, name, value)
    after = audit.snapshot(category, CATEGORY_AUDITED)
    changed = [n for n in CATEGORY_AUDITED if before[n] != after[n]]
    if changed:
        with _category_unique(category):
            category.save(update_fields=changed)
        audit.record(actor, category, before=before, after=after)
        outbox.emit("category.updated", category, slug=category.slug, changed=changed)
    return category


@transaction.atomic
def priority_matrix_update(actor: Actor, *, cells: dict[tuple[int, int], Any]) -> list[str]:
    """Set the matrix's cells: ``{(impact, urgency): priority}``. New incidents and changes
    of impact or urgency use it; existing incidents keep their priority. Returns the changed
    cells as ``"impact 1 × urgency 2"``."""
    require_admin(actor, _("change the priority matrix"))
    levels = set(Impact.values)
    errors: dict[str, list[str]] = {}
    wanted: dict[tuple[int, int], int] = {}
    for (impact, urgency), value in cells.items():
        if impact not in levels or urgency not in levels:
            raise ValidationFailed.one(
                "cells",
                _("no cell impact %(impact)s × urgency %(urgency)s")
                % {"impact": impact, "urgency": urgency},
            )
        try:
            priority = int(value)
        except (TypeError, ValueError):
            priority = 0
        if priority not in Priority.values:
            errors[f"cell_{impact}_{urgency}"] = [_("a priority from 1 (critical) to 5 (planning)")]
        wanted[(impact, urgency)] = priority
    if errors:
        raise ValidationFailed(errors)
    current = {(r.impact, r.urgency): r for r in PriorityRule.objects.select_for_update()}
    changed = []
    for (impact, urgency), priority in sorted(wanted.items()):
        rule = current.get((impact, urgency))
        old = rule.priority if rule else None
        if old == priority:
            continue
        if rule is None:
            rule = PriorityRule.objects.create(impact=impact, urgency=urgency, priority=priority)
            audit.record(actor, rule, action=AuditAction.CREATE, after={"priority": priority})
        else:
            rule.priority = priority
            rule.save(update_fields=["priority"])
            audit.record(actor, rule, before={"priority": old}, after={"priority": priority})
        changed.append(f"impact {impact} × urgency {urgency}")
    if changed:
        outbox.emit("priority_matrix.updated", rule, cells=changed)
    return changed


def _clean_rule(actor: Actor, clean: dict[str, Any], current: EscalationRule | None) -> None:
    errors: dict[str, list[str]] = {}
    if "name" in clean:
        clean["name"] = (clean["name"] or "").strip()
        if not clean["name"] or len(clean["name"]) > 100:
            errors["name"] = [_("required, at most 100 characters")]
    if "threshold" in clean and clean["threshold"] not in THRESHOLDS:
        errors["threshold"] = [_("warning or breach")]
    if "clock_kind" in clean:
        clean["clock_kind"] = clean["clock_kind"] or ""
        if clean["clock_kind"] not in CLOCK_KINDS:
            errors["clock_kind"] = [_("response, resolution, or empty for both")]
    if "priorities" in clean:
        try:
            clean["priorities"] = sorted({int(p) for p in clean["priorities"] or []})
        except (TypeError, ValueError):
            clean["priorities"] = [0]
        if set(clean["priorities"]) - set(Priority.values):
            errors["priorities"] = [_("priorities from 1 to 5")]
    if "action" in clean and clean["action"] not in EscalationRule.Action.values:
        errors["action"] = ["one of: " + ", ".join(EscalationRule.Action.values)]
    if "email" in clean:
        clean["email"] = (clean["email"] or "").strip()
        if clean["email"]:
            try:
                validate_email(clean["email"])
            except DjangoValidationError:
                errors["email"] = [_("not a valid email address")]
    if errors:
        raise ValidationFailed(errors)
    if "team" in clean:
        clean["team"] = active_team(actor, "team", clean["team"])
    action = clean.get("action", getattr(current, "action", ""))
    if action == EscalationRule.Action.NOTIFY and not clean.get(
        "email", getattr(current, "email", "")
    ):
        raise ValidationFailed.one("email", _("the address to notify is needed"))
    if action == EscalationRule.Action.REASSIGN and not clean.get(
        "team", getattr(current, "team", None)
    ):
        raise ValidationFailed.one("team", _("the team to reassign to is needed"))


def _rule_snapshot(rule: EscalationRule) -> dict[str, Any]:
    return audit.snapshot(rule, RULE_AUDITED)


@transaction.atomic
def escalation_rule_create(actor: Actor, *, name: str, **fields: Any) -> EscalationRule:
    """A rule run on every incident SLA warning or breach it matches (clock, priorities)."""
    require_admin(actor, _("configure escalation rules"))
    reject_unknown(fields, RULE_FIELDS - {"name"})
    clean = {"name": name, **fields}
    for required in ("threshold", "action"):
        if not clean.get(required):
            raise ValidationFailed.one(required, _("required"))
    _clean_rule(actor, clean, None)
    rule = EscalationRule.objects.create(**clean)
    audit.record(actor, rule, action=AuditAction.CREATE, after=_rule_snapshot(rule))
    outbox.emit("escalation_rule.created", rule, name=rule.name)
    return rule


@transaction.atomic
def escalation_rule_update(
    actor: Actor, *, rule_id: int, changes: dict[str, Any]
) -> EscalationRule:
    """Change or (de)activate a rule; events already handled are not run again."""
    require_admin(actor, _("configure escalation rules"))
    selectors.escalation_rule_get(actor, rule_id=rule_id)  # NotFound for an unknown id
    rule = EscalationRule.objects.select_for_update().get(pk=rule_id)
    reject_unknown(changes, RULE_FIELDS)
    clean = dict(changes)
    _clean_rule(actor, clean, rule)
    before = _rule_snapshot(rule)
    for name, value in clean.items():
        setattr(rule, name, value)
    after = _rule_snapshot(rule)
    changed = [n for n in RULE_AUDITED if before[n] != after[n]]
    if changed:
        rule.save(update_fields=changed)
        audit.record(actor, rule, before=before, after=after)
        outbox.emit("escalation_rule.updated", rule, name=rule.name, changed=changed)
    return rule


@transaction.atomic
def team_assignment_update(actor: Actor, *, modes: dict[str, str]) -> list[str]:
    """Set how each team's new incidents pick an agent: ``{team slug: mode}`` (the team's
    queue, round-robin, or the least loaded member). Returns the teams whose mode changed."""
    require_admin(actor, _("change how teams assign incidents"))
    bad = {
        f"mode_{slug}": [f"one of: {', '.join(AssignmentMode.values)}"]
        for slug, mode in modes.items()
        if mode not in AssignmentMode.values
    }
    if bad:
        raise ValidationFailed(bad)
    teams = {t.slug: t for t in core_selectors.team_visible(actor).filter(slug__in=list(modes))}
    unknown = sorted(set(modes) - set(teams))
    if unknown:
        raise ValidationFailed.one("modes", _("no team %(value)s") % {"value": ", ".join(unknown)})
    current = {
        a.team_id: a
        for a in TeamAssignment.objects.select_for_update().filter(team__in=teams.values())
    }
    changed = []
    for slug, mode in sorted(modes.items()):
        team = teams[slug]
        rule = current.get(team.pk)
        old = rule.mode if rule else AssignmentMode.TEAM
        if old == mode:
            continue
        if rule is None:
            rule = TeamAssignment.objects.create(team=team, mode=mode)
        else:
            rule.mode = mode
            rule.save(update_fields=["mode"])
        audit.record(actor, rule, before={"mode": old}, after={"mode": mode})
        outbox.emit("team_assignment.updated", rule, team=slug, mode=mode)
        changed.append(team.name)
    return changed
