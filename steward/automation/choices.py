"""What a rule listens to, what its conditions compare and what its actions do."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    CREATED = "created", _("Incident created")
    UPDATED = "updated", _("Incident updated")
    STATUS_CHANGED = "status_changed", _("Incident status changed")
    SLA_WARNING = "sla_warning", _("SLA clock reaches its warning")
    SLA_BREACHED = "sla_breached", _("SLA clock breached")


# the triggers the SLA sweep fires (through core.hooks), by the threshold it recorded
SLA_TRIGGERS = {"warning": Trigger.SLA_WARNING, "breach": Trigger.SLA_BREACHED}


class TriggerClock(models.TextChoices):
    """Which SLA clock an SLA trigger listens to ("" in a rule: either)."""

    RESPONSE = "response", _("Response")
    RESOLUTION = "resolution", _("Resolution")


class ConditionField(models.TextChoices):
    CATEGORY = "category", _("Category")
    SUBCATEGORY = "subcategory", _("Subcategory")
    PRIORITY = "priority", _("Priority")
    IMPACT = "impact", _("Impact")
    URGENCY = "urgency", _("Urgency")
    TEAM = "team", _("Team")
    STATUS = "status", _("Status")
    CHANNEL = "channel", _("Channel")
    ORGANISATION = "organisation", _("Requester's organisation")
    CONFIGURATION_ITEM = "configuration_item", _("Configuration item")
    TITLE = "title", _("Title")
    DESCRIPTION = "description", _("Description")


class Operator(models.TextChoices):
    IS = "is", _("is")
    IS_NOT = "is_not", _("is not")
    CONTAINS = "contains", _("contains")


# text fields compare by "contains" (case-insensitive), every other field by is / is not
TEXT_FIELDS = (ConditionField.TITLE, ConditionField.DESCRIPTION)


class ActionKind(models.TextChoices):
    ASSIGN_TEAM = "assign_team", _("Assign to team")
    ASSIGN_AGENT = "assign_agent", _("Assign to agent")
    SET_PRIORITY = "set_priority", _("Set priority")
    SET_IMPACT = "set_impact", _("Set impact")
    SET_URGENCY = "set_urgency", _("Set urgency")
    SET_CATEGORY = "set_category", _("Set category")
    SET_SUBCATEGORY = "set_subcategory", _("Set subcategory")
    ADD_NOTE = "add_note", _("Add internal work note")
    NOTIFY = "notify", _("Send mail")
    ADD_WATCHER = "add_watcher", _("Add watcher")


# the incident field each field-setting action writes
ACTION_FIELDS = {
    ActionKind.ASSIGN_TEAM: "team",
    ActionKind.ASSIGN_AGENT: "assignee",
    ActionKind.SET_PRIORITY: "priority",
    ActionKind.SET_IMPACT: "impact",
    ActionKind.SET_URGENCY: "urgency",
    ActionKind.SET_CATEGORY: "category",
    ActionKind.SET_SUBCATEGORY: "subcategory",
}

# whom ``notify`` mails, besides a plain address
NOTIFY_TEAM = "team"
NOTIFY_REQUESTER = "requester"

MAX_CONDITIONS = 20
MAX_ACTIONS = 20
