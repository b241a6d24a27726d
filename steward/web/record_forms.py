"""The fields the incident and problem pages' "Work it" panels share: the lost-update guard,
the clicked move, team and assignee by picker, impact and urgency. Each app's ``UpdateForm``
adds its own fields after these and its ``changes``; the pages render as before."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.web.pickers import picker_field


def notes_field(label: Any) -> forms.CharField:
    """An optional three-row text (resolution notes, root cause, workaround)."""
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=label)


class RecordUpdateForm(forms.Form):
    """Edits and status moves from a record's page; ``version`` guards lost updates. A
    subclass names its 1-3 scale in ``LEVELS`` (the app's impact choices)."""

    LEVELS: ClassVar[Sequence[tuple[int, Any]]] = ()

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.CharField(required=False)  # the clicked action button's value
    team = picker_field(
        "team", required=False, label=_("Team"), help_text=_("Type part of the team's name")
    )
    assignee = picker_field(
        "agent", required=False, label=_("Assignee"), help_text=_("Type part of an agent's name")
    )
    impact = forms.TypedChoiceField(
        choices=(), coerce=int, required=False, empty_value=None, label=_("Impact")
    )
    urgency = forms.TypedChoiceField(
        choices=(), coerce=int, required=False, empty_value=None, label=_("Urgency")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["impact"].choices = self.fields["urgency"].choices = self.LEVELS
