"""Web forms: parse input only; services validate and decide."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings

from steward.core.choices import Scope
from steward.core.errors import DomainError

TIME_ZONES = [("", "— default —")] + [(z, z) for z in sorted(zoneinfo.available_timezones())]


def apply_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service error on the fields it names, or on the whole form."""
    placed = False
    for name, messages in exc.fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


class LoginForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


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
    name = forms.CharField(max_length=100)
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices, initial=[Scope.READ], widget=forms.CheckboxSelectMultiple
    )
    expires_in_days = forms.IntegerField(
        min_value=1, max_value=3650, required=False, help_text="Empty: never expires"
    )


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    email = forms.EmailField(required=False)
    lead = forms.CharField(max_length=150, required=False, help_text="Username of an agent")


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)
