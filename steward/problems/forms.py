"""Problem web forms: parse only; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.forms import SingleLineField
from steward.problems.choices import Level, Status
from steward.web.filter_forms import FilterForm, filter_select
from steward.web.pickers import picker_field
from steward.web.record_forms import RecordUpdateForm, notes_field

LEVELS = list(Level.choices)
TEXTS = ("description", "root_cause", "workaround", "resolution_notes")


class ProblemForm(forms.Form):
    """New problem; ``from_incident`` (hidden) raises it from an incident and links it."""

    WIDE = ("title", "description", "workaround")  # fields the page gives a whole row

    from_incident = forms.CharField(max_length=16, required=False, widget=forms.HiddenInput)
    title = SingleLineField(max_length=200, label=_("Title"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label=_("Description")
    )
    category = forms.ChoiceField(required=False, label=_("Category"))
    impact = forms.TypedChoiceField(choices=LEVELS, coerce=int, initial=3, label=_("Impact"))
    urgency = forms.TypedChoiceField(choices=LEVELS, coerce=int, initial=3, label=_("Urgency"))
    affected_service = picker_field(
        "service",
        max_length=200,
        required=False,
        label=_("Affected service"),
        help_text=_("Type part of the service's name"),
    )
    configuration_item = picker_field(
        "ci",
        max_length=200,
        required=False,
        label=_("Configuration item"),
        help_text=_("Type part of the CI's name or number"),
    )
    team = forms.ChoiceField(required=False, label=_("Team"))
    assignee = picker_field(
        "agent",
        max_length=150,
        required=False,
        label=_("Assignee"),
        help_text=_("Type part of an agent's name"),
    )
    workaround = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Workaround")
    )

    def __init__(self, *args, categories=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.slug, f"{c.parent.name} › {c.name}" if c.parent_id else c.name) for c in categories
        ]
        self.fields["team"].choices = [("", "—")] + [(t.slug, t.name) for t in teams]

    def changes(self) -> dict:
        """Non-empty values only, so unset references stay unset (and inherit from the
        incident when raised from one)."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class UpdateForm(RecordUpdateForm):
    """Edits and status moves from the problem page (``RecordUpdateForm``: version, the
    move, team, assignee, impact, urgency)."""

    LEVELS = LEVELS
    root_cause = notes_field(_("Root cause"))
    workaround = notes_field(_("Workaround"))
    resolution_notes = notes_field(_("Resolution notes"))
    notify_callers = forms.BooleanField(
        required=False, label=_("Tell the callers of linked incidents (on resolve or close)")
    )

    def changes(self, problem) -> dict:  # noqa: ANN001
        """Only what differs from the record, so an unchanged field is not rewritten."""
        data = self.cleaned_data
        current = {
            "team": problem.team.slug if problem.team else "",
            "assignee": problem.assignee.username if problem.assignee else "",
            "impact": problem.impact,
            "urgency": problem.urgency,
            "root_cause": problem.root_cause,
            "workaround": problem.workaround,
            "resolution_notes": problem.resolution_notes,
        }
        out = {}
        for name, value in current.items():
            new = data.get(name)
            if new is None or name not in self.data:
                continue  # not on the submitted form: leave it
            if name in TEXTS:
                new = new.replace("\r\n", "\n").strip()
            if new != value:
                out[name] = (new or None) if name in ("team", "assignee") else new
        status = data.get("status") or ""
        if status and status != problem.status:
            out["status"] = status
            if data.get("notify_callers"):
                out["notify_callers"] = True
        return out


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Work note"), widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(required=False, label=_("Internal work note"))


class LinkForm(forms.Form):
    incident = picker_field(
        "incident", max_length=200, label=_("Incident"), help_text=_("Type its number or title")
    )

    def __init__(self, *args: Any, problem: str | None = None, **kwargs: Any) -> None:
        """``problem``: the number of the problem linked to; its picker leaves out the
        incidents already linked to it."""
        super().__init__(*args, **kwargs)
        if problem:
            self.fields["incident"].widget.kind = f"linkable-{problem}"


class ProblemFilterForm(FilterForm):
    """The list's filter bar (``components/filter_bar.html``), bound to the query string;
    ``filters.parse_query`` reads the values and its messages land on these fields."""

    status = filter_select(_("Status"), _("Any status"), list(Status.choices))
    priority = filter_select(
        _("Priority"), _("Any priority"), [(str(p), f"P{p}") for p in range(1, 6)]
    )
    team = filter_select(_("Team"), _("Any team"), [])

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].widget.choices = [("", _("Any team"))] + [
            (t.slug, t.name) for t in teams
        ]
