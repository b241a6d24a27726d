"""The CI list's filter bar (``components/filter_bar.html``), bound to the query string.

``cmdb.filters.parse`` reads the values with the API's schema; this form only draws the
controls and shows each refused value's message beside its control, so it refuses nothing
itself (an unknown status is the schema's message, never a second one from Django).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.cmdb.choices import CIStatus, Environment, shown_name

# the filters the bar has a control (and a place for a message) for, in the bar's order
FIELDS = ("q", "class", "status", "environment")


def _select(label: str, any_label: str, choices: Iterable[tuple[str, str]]) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, widget=forms.Select(choices=[("", any_label), *choices])
    )


class CIFilterForm(forms.Form):
    """Search, class, status and environment; empty is "any"."""

    def __init__(self, query: Mapping[str, Any], *, classes: Iterable[Any] = ()) -> None:
        super().__init__({name: query.get(name, "") for name in FIELDS})
        self.fields["q"] = forms.CharField(
            label=_("Search"),
            required=False,
            widget=forms.SearchInput(attrs={"placeholder": _("Search name or number")}),
        )
        self.fields["class"] = _select(
            _("Class"), _("Any class"), [(c.slug, shown_name(c.name)) for c in classes]
        )
        self.fields["status"] = _select(_("Status"), _("Any status"), CIStatus.choices)
        self.fields["environment"] = _select(
            _("Environment"), _("Any environment"), Environment.choices
        )

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Each refused filter's message beside its control."""
        for name, message in errors.items():
            if name in self.fields:
                self.add_error(name, message)
