"""Automation web forms: parse only; the services validate and decide. A rule's conditions
and actions are numbered rows (``condition-0-field`` …); "Add a condition", "Add an action"
and each row's "Remove" are submit buttons that redraw the form (no script)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from steward.automation.choices import (
    MAX_ACTIONS,
    MAX_CONDITIONS,
    SLA_TRIGGERS,
    ActionKind,
    ConditionField,
    Operator,
    Trigger,
    TriggerClock,
)
from steward.core.forms import SingleLineField
from steward.incidents.choices import IncidentChannel, Status


class RuleForm(forms.Form):
    """The rule's own fields (its rows are ``rows_from``'s)."""

    name = SingleLineField(label=_("Name"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    trigger = forms.ChoiceField(label=_("When"), choices=Trigger.choices)
    trigger_status = forms.ChoiceField(
        label=_("Status moved to (status changes only)"),
        choices=[("", _("Any status")), *Status.choices],
        required=False,
    )
    trigger_clock = forms.ChoiceField(
        label=_("SLA clock (SLA triggers only)"),
        choices=[("", _("Response or resolution")), *TriggerClock.choices],
        required=False,
    )
    position = forms.IntegerField(
        label=pgettext_lazy("rule position", "Order"),
        required=False,
        min_value=0,
        help_text=_("Rules run lowest first; empty: after the others."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)
    stop_processing = forms.BooleanField(
        label=_("Stop processing further rules when this one matches"), required=False
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        """A status chosen for another trigger, told in the form's words (the service's
        message names the codes, for the API)."""
        data = super().clean()
        if data.get("trigger_status") and data.get("trigger") != Trigger.STATUS_CHANGED:
            self.add_error(
                "trigger_status",
                gettext("Only with “When: %(trigger)s”.")
                % {"trigger": Trigger.STATUS_CHANGED.label},
            )
        if data.get("trigger_clock") and data.get("trigger") not in SLA_TRIGGERS.values():
            self.add_error(
                "trigger_clock",
                gettext("Only with “When: %(warning)s” or “When: %(breach)s”.")
                % {"warning": Trigger.SLA_WARNING.label, "breach": Trigger.SLA_BREACHED.label},
            )
        return data


@dataclass
class Row:
    """One condition or action row as the form shows it."""

    index: int
    kind: str  # the field (conditions) or the action (actions)
    operator: str = ""
    value: str = ""
    errors: list[str] = field(default_factory=list)
    options: str = ""  # the id's end of the <datalist> of values its field or action takes


CONDITION_CHOICES = [("", _("Choose a field…")), *ConditionField.choices]
OPERATOR_CHOICES = Operator.choices
ACTION_CHOICES = [("", _("Choose an action…")), *ActionKind.choices]


def rows_from(data: QueryDict, prefix: str, limit: int) -> list[Row]:
    """The rows posted under ``prefix`` (``condition`` or ``action``), in their order."""
    rows = []
    key = "field" if prefix == "condition" else "action"
    for i in range(limit):
        kind = data.get(f"{prefix}-{i}-{key}")
        if kind is None:
            continue
        rows.append(
            Row(
                index=len(rows),
                kind=kind.strip(),
                operator=data.get(f"{prefix}-{i}-operator", "").strip(),
                value=data.get(f"{prefix}-{i}-value", "").strip(),
            )
        )
    return rows


# a status or channel is typed as the incident's page names it ("In progress"); kept as its code
NAMED = {ConditionField.STATUS: Status, ConditionField.CHANNEL: IncidentChannel}


def _code(field: str, value: str) -> str:
    """The code of a status or channel typed by its name (any case, in the reader's language),
    else the value as typed (a code is taken as it is)."""
    choices = NAMED.get(field)
    if choices is not None:
        for code, label in choices.choices:
            if value.casefold() == str(label).casefold():
                return code
    return value


def _name(field: str, value: str) -> str:
    choices = NAMED.get(field)
    return str(choices(value).label) if choices is not None and value in choices.values else value


def rows_of(rule_conditions: list[dict], rule_actions: list[dict]) -> tuple[list[Row], list[Row]]:
    """A saved rule's rows, to edit (a status or channel by its name)."""
    conditions = [
        Row(
            i,
            c["field"],
            c["operator"],
            "" if c["value"] is None else _name(c["field"], str(c["value"])),
        )
        for i, c in enumerate(rule_conditions)
    ]
    actions = [Row(i, a["action"], "", str(a["value"])) for i, a in enumerate(rule_actions)]
    return conditions, actions


def command(data: QueryDict) -> tuple[str, int | None]:
    """Which button sent the form: ``save``, ``add_condition``, ``add_action``,
    ``remove_condition`` or ``remove_action`` (with the row's number), or ``choices`` (the
    form redrawn with each row's values offered for the field or action chosen)."""
    for name in ("remove_condition", "remove_action"):
        if name in data:
            raw = data.get(name, "")
            return name, int(raw) if raw.isdigit() else None
    for name in ("add_condition", "add_action", "choices"):
        if name in data:
            return name, None
    return "save", None


def values(form: RuleForm, conditions: list[Row], actions: list[Row]) -> dict[str, Any]:
    """What the service is given: the rule's fields and its non-empty rows."""
    data = form.cleaned_data
    return {
        "name": data.get("name") or "",
        "description": data.get("description") or "",
        "trigger": data.get("trigger") or "",
        "trigger_status": data.get("trigger_status") or "",
        "trigger_clock": data.get("trigger_clock") or "",
        "position": data.get("position"),
        "is_active": bool(data.get("is_active")),
        "stop_processing": bool(data.get("stop_processing")),
        "conditions": [
            {"field": r.kind, "operator": r.operator or None, "value": _code(r.kind, r.value)}
            for r in conditions
            if r.kind or r.value
        ],
        "actions": [{"action": r.kind, "value": r.value} for r in actions if r.kind or r.value],
    }


class DryRunForm(forms.Form):
    incident = forms.CharField(
        label=_("Incident number"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "INC0000123"}),
    )

    def clean_incident(self) -> str:
        """The number as incidents carry it (``INC0000123``), typed in any case, with a
        hyphen or spaces."""
        return "".join(self.cleaned_data["incident"].split()).replace("-", "").upper()


MAX_ROWS = {"condition": MAX_CONDITIONS, "action": MAX_ACTIONS}
