"""Events web forms: parse only; the services validate and decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.events.choices import ALERT_SEVERITIES, Severity, State, StateFilter
from steward.web.filter_forms import FilterForm, filter_select


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
