"""Web forms of the people pages (profile, tokens, teams): parse input only; services decide."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings

from steward.core.choices import Scope
from steward.core.text import validate_single_line


class SingleLineField(forms.CharField):
    """A title or name: the API's one-line rule (``steward.core.text``) on every web form."""

    default_validators = [validate_single_line]


TIME_ZONES = [("", "— default —")] + [(z, z) for z in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    time_zone = forms.ChoiceField(choices=TIME_ZONES, required=False)
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    email_notifications = forms.BooleanField(required=False, label="Email me about my records")


class TokenForm(forms.Form):
    name = SingleLineField(max_length=100)
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, initial=[Scope.READ], widget=forms.CheckboxSelectMultiple
    )
    expires_in_days = forms.IntegerField(
        min_value=1, max_value=3650, required=False, help_text="Empty: never expires"
    )


class TeamForm(forms.Form):
    name = SingleLineField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    email = forms.EmailField(required=False)
    lead = forms.CharField(max_length=150, required=False, help_text="Username of an agent")


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
