"""Incident administration forms: categories, the priority matrix, escalation rules and a
team's assignment rules. Parse only; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.forms import SingleLineField
from steward.incidents.choices import AssignmentMode, Impact, Priority


class CategoryForm(forms.Form):
    """A category or, with a parent, a subcategory; its default team receives requesters'
    new incidents of it."""

    name = SingleLineField(max_length=100, label=_("Name"))
    parent = forms.ChoiceField(
        required=False, label=_("Subcategory of"), help_text=_("Empty: a top-level category")
    )
    default_team = forms.ChoiceField(
        required=False,
        label=_("Default team"),
        help_text=_("Where a requester's new incident of this category goes"),
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label=_("Active (offered on new incidents)")
    )

    def __init__(self, *args: Any, parents: Any = (), teams: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("— none —"))] + [(c.slug, c.name) for c in parents]
        self.fields["default_team"].choices = [("", _("— none (the usual routing) —"))] + [
            (t.slug, t.name) for t in teams
        ]

    @classmethod
    def initial_for(cls, category: Any) -> dict[str, Any]:
        return {
            "name": category.name,
            "parent": category.parent.slug if category.parent else "",
            "default_team": category.default_team.slug if category.default_team else "",
            "is_active": category.is_active,
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "parent": data["parent"] or None,
            "default_team": data["default_team"] or None,
            "is_active": data["is_active"],
        }


PRIORITY_CHOICES = [(str(v), label) for v, label in Priority.choices]


class PriorityMatrixForm(forms.Form):
    """One select per cell, ``cell_<impact>_<urgency>``; the service checks the values."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for impact, impact_label in Impact.choices:
            for urgency, urgency_label in Impact.choices:
                self.fields[f"cell_{impact}_{urgency}"] = forms.CharField(
                    label=_("Priority for impact %(impact)s, urgency %(urgency)s")
                    % {"impact": impact_label, "urgency": urgency_label},
                    widget=forms.Select(choices=PRIORITY_CHOICES),
                )

    @classmethod
    def initial_for(cls, matrix: dict[tuple[int, int], int]) -> dict[str, str]:
        return {f"cell_{i}_{u}": str(p) for (i, u), p in matrix.items()}

    def rows(self) -> list[tuple[str, list]]:
        """The grid for the template: each impact's label with its cells' bound fields."""
        return [
            (label, [self[f"cell_{impact}_{u}"] for u in Impact.values])
            for impact, label in Impact.choices
        ]

    def cells(self) -> dict[tuple[int, int], str]:
        data = self.cleaned_data
        return {(i, u): data[f"cell_{i}_{u}"] for i in Impact.values for u in Impact.values}


class EscalationRuleForm(forms.Form):
    """When (threshold, clock, priorities) and what (notify, reassign, raise priority)."""

    name = SingleLineField(max_length=100, label=_("Name"))
    threshold = forms.ChoiceField(
        choices=[("warning", _("Warning (before the target)")), ("breach", _("Breach"))],
        label=_("When the SLA clock reaches"),
    )
    clock_kind = forms.ChoiceField(
        required=False,
        label=_("Of the target"),
        choices=[
            ("", _("Response or resolution")),
            ("response", _("Response")),
            ("resolution", _("Resolution")),
        ],  # fmt: skip
    )
    priorities = forms.MultipleChoiceField(
        required=False,
        choices=[(str(v), f"P{v}") for v in Priority.values],
        widget=forms.CheckboxSelectMultiple,
        label=_("For priorities"),
        help_text=_("None ticked: every priority"),
    )
    action = forms.ChoiceField(label=_("Then"))
    email = forms.EmailField(
        required=False, label=_("Address to email"), help_text=_("For “Email an address”")
    )
    team = forms.ChoiceField(
        required=False, label=_("Team to reassign to"), help_text=_("For “Reassign to a team”")
    )
    is_active = forms.BooleanField(required=False, initial=True, label=_("Active"))

    def __init__(self, *args: Any, teams: Any = (), actions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = list(actions)
        self.fields["team"].choices = [("", _("— none —"))] + [(t.slug, t.name) for t in teams]

    @classmethod
    def initial_for(cls, rule: Any) -> dict[str, Any]:
        return {
            "name": rule.name,
            "threshold": rule.threshold,
            "clock_kind": rule.clock_kind,
            "priorities": [str(p) for p in rule.priorities],
            "action": rule.action,
            "email": rule.email,
            "team": rule.team.slug if rule.team else "",
            "is_active": rule.is_active,
        }

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["priorities"] = [int(p) for p in data["priorities"]]
        data["team"] = data["team"] or None
        return data


class TeamAssignmentForm(forms.Form):
    """One select per team, ``mode_<slug>``; the service checks the values."""

    def __init__(self, *args: Any, teams: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for team in teams:
            self.fields[f"mode_{team.slug}"] = forms.CharField(
                label=_("How %(team)s assigns new incidents") % {"team": team.name},
                widget=forms.Select(choices=AssignmentMode.choices),
            )
        self.teams = list(teams)

    def rows(self) -> list[tuple[Any, Any]]:
        return [(team, self[f"mode_{team.slug}"]) for team in self.teams]

    def modes(self) -> dict[str, str]:
        return {t.slug: self.cleaned_data[f"mode_{t.slug}"] for t in self.teams}
