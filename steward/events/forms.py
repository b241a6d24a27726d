"""Events web forms: parse only; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.forms import SingleLineField
from steward.events.choices import ALERT_SEVERITIES, Severity, State, StateFilter
from steward.events.models import MaintenanceWindow
from steward.web.filter_forms import FilterForm, filter_select
from steward.web.pickers import MultiPickerField


class AlertFilterForm(FilterForm):
    """The Events console's bar: state (the live alerts unless chosen), severity, words."""

    state = forms.CharField(
        label=_("State"),
        required=False,
        widget=forms.Select(choices=StateFilter.choices),
    )
    severity = filter_select(
        _("Severity"),
        _("Any severity"),
        [(value, Severity(value).label) for value in ALERT_SEVERITIES],
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Source, e.g. nagios")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Search node, check or summary…")
        self.order_fields(["q", "state", "severity", "source"])


class MoveForm(forms.Form):
    """An alert page's button: the state it moves the alert to."""

    state = forms.ChoiceField(choices=[(State.ACKNOWLEDGED, ""), (State.CLOSED, "")])


LOCAL = "%Y-%m-%dT%H:%M"


def _when(label: str) -> forms.DateTimeField:
    """A local date and time (the reader's zone); empty is the service's "required"."""
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL)
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=widget,
        input_formats=[LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class WindowForm(forms.Form):
    """Declare or edit a manual maintenance window (the service validates and decides)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = SingleLineField(max_length=200, required=False, label=_("Name"))
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Reason")
    )
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"))
    configuration_items = MultiPickerField(
        "ci",
        label=_("CIs"),
        help_text=_("Type part of a CI's name or number; pick each one"),
    )
    node_pattern = forms.CharField(
        max_length=255,
        required=False,
        label=_("Node pattern"),
        help_text=_("Alerts of every node it matches, e.g. web*.example.com (* any, ? one)"),
    )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for name in ("starts_at", "ends_at"):
            if data[name] is None:
                data.pop(name)  # the service names what is missing
        return data

    @classmethod
    def initial_for(cls, window: MaintenanceWindow) -> dict[str, Any]:
        return {
            "version": window.version,
            "name": window.name,
            "reason": window.reason,
            "starts_at": window.starts_at,
            "ends_at": window.ends_at,
            "configuration_items": sorted(ci.number for ci in window.configuration_items.all()),
            "node_pattern": window.node_pattern,
        }

    def changes(self, window: MaintenanceWindow) -> dict[str, Any]:
        current = self.initial_for(window)
        for name in ("starts_at", "ends_at"):
            # the field shows minutes: a time shown and sent back unchanged is not a change
            # (an ended window's end keeps its seconds, and its end is past)
            current[name] = current[name].replace(second=0, microsecond=0)
        return {k: v for k, v in self.values().items() if v != current.get(k)}


class WindowFilterForm(FilterForm):
    """The maintenance windows list's bar: words of the name, reason or pattern."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Search name, reason or pattern…")
