"""The values a rule's condition or action may take, for the rule form's pickers: the real
teams, categories, organisations, agents, statuses, channels and levels, as ``(value,
label)`` pairs the page offers in a ``<datalist>`` per kind (decision 0104). The service
still checks whatever is typed; these only spare the administrator typing slugs."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from steward.automation.choices import NOTIFY_REQUESTER, NOTIFY_TEAM, ActionKind, ConditionField
from steward.automation.selectors.permissions import can_write
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.choices import AGENT_ROLES
from steward.incidents.choices import Impact, IncidentChannel, Priority, Status
from steward.incidents.models import Category

Choices = list[tuple[str, str]]
# people offered at most (the field still takes any username the service accepts)
PEOPLE_SHOWN = 300

# the list each condition field and action offers (text, notes: none)
CONDITION_LISTS = {
    ConditionField.CATEGORY: "category",
    ConditionField.SUBCATEGORY: "subcategory",
    ConditionField.PRIORITY: "priority",
    ConditionField.IMPACT: "level",
    ConditionField.URGENCY: "level",
    ConditionField.TEAM: "team",
    ConditionField.STATUS: "status",
    ConditionField.CHANNEL: "channel",
    ConditionField.ORGANISATION: "organisation",
}
ACTION_LISTS = {
    ActionKind.ASSIGN_TEAM: "team",
    ActionKind.ASSIGN_AGENT: "agent",
    ActionKind.SET_PRIORITY: "priority",
    ActionKind.SET_IMPACT: "level",
    ActionKind.SET_URGENCY: "level",
    ActionKind.SET_CATEGORY: "category",
    ActionKind.SET_SUBCATEGORY: "subcategory",
    ActionKind.NOTIFY: "notify",
    ActionKind.ADD_WATCHER: "agent",
}


def _levels(choices: type) -> Choices:
    return [(str(value), str(label)) for value, label in choices.choices]


def rule_value_choices(actor: Actor) -> dict[str, Choices]:
    """Every list the rule form offers, by kind, as the actor (an administrator) sees the
    rows: one statement per kind of row (teams, categories, organisations, agents)."""
    if not can_write(actor):
        return {}
    categories = list(
        Category.objects.filter(is_active=True)
        .order_by("name")
        .values_list("slug", "name", "parent_id")
    )
    agents = (
        core_selectors.user_visible(actor)
        .filter(Q(is_superuser=True) | Q(groups__name__in=AGENT_ROLES), is_active=True)
        .distinct()
        .order_by("username")
        .values_list("username", "first_name", "last_name")[:PEOPLE_SHOWN]
    )
    return {
        "team": list(
            core_selectors.team_visible(actor)
            .filter(is_active=True)
            .order_by("name")
            .values_list("slug", "name")
        ),
        "category": [(slug, name) for slug, name, parent in categories if parent is None],
        "subcategory": [(slug, name) for slug, name, parent in categories if parent is not None],
        "organisation": list(
            core_selectors.organisation_visible(actor).order_by("name").values_list("slug", "name")
        ),
        "agent": [
            (username, f"{first} {last}".strip() or username) for username, first, last in agents
        ],
        # a status and a channel are typed by the name the incident's page shows (forms._code)
        "status": [(str(label), str(label)) for _value, label in Status.choices],
        "channel": [(str(label), str(label)) for _value, label in IncidentChannel.choices],
        "priority": _levels(Priority),
        "level": _levels(Impact),
        "notify": [
            (NOTIFY_TEAM, _("the incident's team")),
            (NOTIFY_REQUESTER, _("the incident's requester")),
        ],
    }
