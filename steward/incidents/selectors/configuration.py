"""Reads of what administrators configure for incidents: the whole category tree (inactive
categories too), one category, escalation rules. Administrators only: agents and requesters
use ``classification`` (active categories, the matrix) when they classify an incident."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.models import Team
from steward.core.services.common import require_admin
from steward.incidents.choices import AssignmentMode
from steward.incidents.models import Category, EscalationRule, TeamAssignment


@dataclass(frozen=True)
class CategoryNode:
    """A top-level category with its subcategories, by name."""

    category: Category
    children: list[Category]


def category_tree(actor: Actor) -> list[CategoryNode]:
    """Every category with its subcategories (one query), active or not."""
    require_admin(actor, _("configure categories"))
    rows = list(Category.objects.select_related("default_team", "parent").order_by("name", "id"))
    children: dict[int, list[Category]] = {}
    for row in rows:
        if row.parent_id is not None:
            children.setdefault(row.parent_id, []).append(row)
    return [CategoryNode(r, children.get(r.pk, [])) for r in rows if r.parent_id is None]


def category_parents(actor: Actor) -> list[Category]:
    """The categories a subcategory may hang under (top-level ones), by name."""
    require_admin(actor, _("configure categories"))
    return list(Category.objects.filter(parent__isnull=True).order_by("name"))


def category_get(actor: Actor, *, slug: str) -> Category:
    require_admin(actor, _("configure categories"))
    found = Category.objects.select_related("parent", "default_team").filter(slug=slug).first()
    if found is None:
        raise NotFound()
    return found


def escalation_rule_list(actor: Actor) -> list[EscalationRule]:
    """Every rule, active first, then by name (a handful: no paging needed)."""
    require_admin(actor, _("configure escalation rules"))
    return list(EscalationRule.objects.select_related("team").order_by("-is_active", "name", "id"))


def escalation_rule_get(actor: Actor, *, rule_id: int) -> EscalationRule:
    require_admin(actor, _("configure escalation rules"))
    found = (
        EscalationRule.objects.select_related("team").filter(pk=rule_id).first()
        if 0 < rule_id < 2**63
        else None
    )
    if found is None:
        raise NotFound()
    return found


def team_assignment_modes(actor: Actor) -> list[tuple[Team, str]]:
    """Each active team the administrator may see with how it assigns new incidents (a team
    without a rule works as its queue)."""
    require_admin(actor, _("change how teams assign incidents"))
    teams = list(core_selectors.team_visible(actor).filter(is_active=True).order_by("name"))
    modes = dict(TeamAssignment.objects.filter(team__in=teams).values_list("team_id", "mode"))
    return [(t, modes.get(t.pk, AssignmentMode.TEAM)) for t in teams]


# What an Idempotency-Key replay of a create reads back (administrators only, as the services).
def category_rows(actor: Actor) -> QuerySet[Category]:
    require_admin(actor, _("configure categories"))
    return Category.objects.select_related("parent", "default_team")


def escalation_rule_rows(actor: Actor) -> QuerySet[EscalationRule]:
    require_admin(actor, _("configure escalation rules"))
    return EscalationRule.objects.select_related("team")
