"""Web forms: the requester's answer and the administrators' settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.surveys.choices import MAX_COMMENT, Rating


class AnswerForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=Rating.choices, coerce=int, widget=forms.RadioSelect, label=_("Your rating")
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_COMMENT,
        label=_("Comment (optional)"),
    )


class SettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    is_enabled = forms.BooleanField(required=False, label=_("Ask requesters to rate resolutions"))
    sample_percent = forms.IntegerField(
        min_value=0,
        max_value=100,
        label=_("Share of resolved records asked, in %"),
        help_text=_("100: every one; 25: one in four, chosen by the record, not by chance."),
    )
    notify_low_ratings = forms.BooleanField(
        required=False, label=_("Mail the team lead about a low rating")
    )
    low_rating = forms.IntegerField(
        min_value=1, max_value=4, label=_("A rating is low at or below")
    )
