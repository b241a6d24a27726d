"""Web forms of the people pages (profile, tokens, teams): parse input only; services decide."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from steward.core.choices import Scope
from steward.core.text import validate_single_line
from steward.web.pickers import picker_field


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
    lead = picker_field(
        "agent", max_length=150, required=False, help_text="Type part of an agent's name"
    )


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150)


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the attachment service, not here."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file is the service's to refuse, with the message the API gives.
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data: object, initial: object = None) -> list:
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [single(item, initial) for item in items if item] or [single(None, initial)]


class AttachmentForm(forms.Form):
    MAX_FILES = 10

    files = MultipleFileField(label="Files")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.MAX_UPLOAD_BYTES)
        self.fields[
            "files"
        ].help_text = (
            f"Up to {self.MAX_FILES} files at once, {limit} in all. Choose them or drop them here."
        )
        self.fields["files"].widget.attrs["data-max-bytes"] = settings.MAX_UPLOAD_BYTES

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if len(files) > self.MAX_FILES:
            raise forms.ValidationError(f"at most {self.MAX_FILES} files at once")
        return files
