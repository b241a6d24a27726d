"""Incident web forms: parse only; the services validate and decide."""

from __future__ import annotations

from django import forms

from steward.incidents.choices import Impact, OnHoldReason, ResolutionCode

LEVELS = [(v, label) for v, label in Impact.choices]


class IncidentForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    caller = forms.CharField(
        max_length=150, required=False, help_text="Username; empty for yourself"
    )
    category = forms.ChoiceField(required=False)
    subcategory = forms.ChoiceField(required=False)
    impact = forms.TypedChoiceField(choices=LEVELS, coerce=int, initial=3)
    urgency = forms.TypedChoiceField(choices=LEVELS, coerce=int, initial=3)
    affected_service = forms.CharField(max_length=200, required=False)
    configuration_item = forms.CharField(max_length=200, required=False)
    team = forms.ChoiceField(required=False)
    assignee = forms.CharField(max_length=150, required=False, help_text="Username of an agent")
    is_major = forms.BooleanField(required=False, label="Major incident")

    def __init__(self, *args, categories=(), subcategories=(), teams=(), agent=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [(c.slug, c.name) for c in categories]
        self.fields["subcategory"].choices = [("", "—")] + [
            (c.slug, f"{c.parent.name} › {c.name}") for c in subcategories
        ]
        self.fields["team"].choices = [("", "—")] + [(t.slug, t.name) for t in teams]
        if not agent:
            for name in ("caller", "team", "assignee", "is_major"):
                del self.fields[name]

    def changes(self) -> dict:
        """Non-empty values only, so unset references stay unset."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None, False)}


class UpdateForm(forms.Form):
    """Edits and status moves from the incident page; ``version`` guards lost updates."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.CharField(required=False)  # the clicked action button's value
    team = forms.CharField(required=False)
    assignee = forms.CharField(required=False)
    impact = forms.TypedChoiceField(choices=LEVELS, coerce=int, required=False)
    urgency = forms.TypedChoiceField(choices=LEVELS, coerce=int, required=False)
    on_hold_reason = forms.ChoiceField(choices=[("", "—"), *OnHoldReason.choices], required=False)
    resolution_code = forms.ChoiceField(
        choices=[("", "—"), *ResolutionCode.choices], required=False
    )
    resolution_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def changes(self, incident) -> dict:  # noqa: ANN001
        """Only what differs from the record, so an unchanged field is not rewritten."""
        data = self.cleaned_data
        current = {
            "team": incident.team.slug if incident.team else "",
            "assignee": incident.assignee.username if incident.assignee else "",
            "impact": incident.impact,
            "urgency": incident.urgency,
            "on_hold_reason": incident.on_hold_reason,
            "resolution_code": incident.resolution_code,
            "resolution_notes": incident.resolution_notes,
            "status": incident.status,
        }
        out = {}
        for name, value in data.items():
            if name == "version" or value in (None,) or name not in current:
                continue
            if value != current[name] and not (value == "" and name == "status"):
                out[name] = value or None if name in ("team", "assignee") else value
        return out


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(required=False, label="Internal work note")
