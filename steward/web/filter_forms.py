"""The form behind ``components/filter_bar.html``: a list's queue (hidden), its search box,
and selects whose values the app's ``filters.py`` schema checks, so the form refuses nothing
itself and a refused value is shown beside its field (``show_errors``)."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext_lazy as _


def filter_select(label: str, any_label: str, choices: list) -> forms.CharField:
    """A select whose empty first option means "any"."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Select(choices=[("", any_label), *choices]),
    )


class FilterForm(forms.Form):
    """A list's filter bar, bound to the query string; subclasses add their selects."""

    queue = forms.CharField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Search number, title…")}),
    )

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Each refused filter's message beside its field (the queue's under the tabs)."""
        for name, messages in errors.items():
            if name in self.fields and name != "queue":
                for message in messages:
                    self.add_error(name, message)


def named_refusals(errors: Mapping[str, list[str]], labels: Mapping[str, str]) -> list[str]:
    """A page's refused filters for the alert above its list, each after the label of the
    control that sets it (``labels``: a box's label, the tabs' name), as a filter bar prints
    its own beside the field; a parameter no control sets (a link's ``cursor``) keeps its
    name, a refusal of no field (``""``) stands alone."""
    return [
        f"{labels.get(name, name)}: {' '.join(messages)}" if name else " ".join(messages)
        for name, messages in errors.items()
    ]
