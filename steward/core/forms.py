"""Web forms of the people pages (profile, tokens, teams, the administrator's user pages):
parse input only; services decide."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from steward.core.choices import Role, Scope
from steward.core.text import validate_single_line
from steward.web.filter_forms import FilterForm, filter_select
from steward.web.pickers import picker_field


class SingleLineField(forms.CharField):
    """A title or name: the API's one-line rule (``steward.core.text``) on every web form."""

    default_validators = [validate_single_line]


TIME_ZONES = [("", _("— default —"))] + [(z, z) for z in sorted(zoneinfo.available_timezones())]


class ProfileForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    first_name = SingleLineField(max_length=150, required=False, label=_("First name"))
    last_name = SingleLineField(max_length=150, required=False, label=_("Last name"))
    email = forms.EmailField(required=False, label=_("Email"))
    phone = forms.CharField(max_length=40, required=False, label=_("Phone"))
    time_zone = forms.ChoiceField(choices=TIME_ZONES, required=False, label=_("Time zone"))
    # each language by its own name (a reader who cannot read the current one finds theirs);
    # empty first: no choice, the pages follow the browser (decision 0116)
    language = forms.ChoiceField(
        choices=[("", _("Browser's language")), *settings.LANGUAGES],
        required=False,
        label=_("Language"),
    )
    email_notifications = forms.BooleanField(required=False, label=_("Email me about my records"))


class TokenForm(forms.Form):
    name = SingleLineField(max_length=100, label=_("Name"))
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        initial=[Scope.READ],
        widget=forms.CheckboxSelectMultiple,
        label=_("Scopes"),
    )
    expires_in_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        label=_("Expires in days"),
        help_text=_("Empty: never expires"),
    )


class TeamForm(forms.Form):
    name = SingleLineField(max_length=120, label=_("Name"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Description")
    )
    email = forms.EmailField(required=False, label=_("Email"))
    lead = picker_field(
        "agent",
        max_length=150,
        required=False,
        label=_("Lead"),
        help_text=_("Type part of an agent's name"),
    )


class MemberForm(forms.Form):
    username = picker_field(
        "agent", max_length=150, label=_("Agent"), help_text=_("Type part of an agent's name")
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
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
    # the same box on every page, kept under its help text and limit (``steward.web.fields``)
    FIXED = ("files",)

    files = MultipleFileField(label=_("Files"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        limit = filesizeformat(settings.MAX_UPLOAD_BYTES)
        self.fields["files"].help_text = _(
            "Up to %(count)s files at once, %(limit)s in all. Choose them or drop them here."
        ) % {"count": self.MAX_FILES, "limit": limit}
        self.fields["files"].widget.attrs["data-max-bytes"] = settings.MAX_UPLOAD_BYTES

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if len(files) > self.MAX_FILES:
            raise self.too_many()
        return files

    @classmethod
    def too_many(cls) -> forms.ValidationError:
        """The refusal of more files than one upload takes (every form with files says it)."""
        return forms.ValidationError(
            _("at most %(count)s files at once") % {"count": cls.MAX_FILES}
        )


class UserFilterForm(FilterForm):
    """The user list's filter bar (``filters.UserFilters`` checks the values)."""

    role = filter_select(_("Role"), _("Any role"), list(Role.choices))
    is_active = filter_select(
        _("Status"),
        _("Active and deactivated"),
        [("true", _("Active")), ("false", _("Deactivated"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Search name, username, email…")
        del self.fields["queue"]


class UserForm(forms.Form):
    """A person as an administrator sets them up: name, address, organisation, roles and
    teams; a new person also gets a username and either an invitation or a password."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    username = forms.CharField(
        max_length=150, label=_("Username"), help_text=_("What they type to sign in")
    )
    first_name = SingleLineField(max_length=150, required=False, label=_("First name"))
    last_name = SingleLineField(max_length=150, required=False, label=_("Last name"))
    email = forms.EmailField(required=False, label=_("Email address"))
    organisation = forms.ChoiceField(required=False, label=_("Organisation"))
    manager = picker_field(
        "person",
        max_length=150,
        required=False,
        label=_("Manager"),
        help_text=_("Type part of the name of who approves their requests"),
    )
    department = forms.ChoiceField(
        required=False, label=_("Department"), help_text=_("One of their organisation's")
    )
    location = forms.ChoiceField(required=False, label=_("Location"))
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Roles"),
        help_text=_("Administrators may change everything on these pages"),
    )
    teams = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Teams"),
        help_text=_("Only agents can be team members"),
    )
    served_organisations = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Organisations they serve"),
        help_text=_("An agent limited to these sees only their records; none ticked: all"),
    )
    invite = forms.BooleanField(
        required=False,
        initial=True,
        label=_("Email an invitation to choose a password"),
    )
    password = forms.CharField(
        required=False,
        label=_("Or set a password now"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Only when no invitation is sent; tell it to them in person"),
    )

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Any] = (),
        teams: Iterable[Any] = (),
        departments: Iterable[Any] = (),
        locations: Iterable[Any] = (),
        new: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.new = new
        organisations = list(organisations)
        self.fields["organisation"].choices = [("", _("— none —"))] + [
            (o.slug, o.name) for o in organisations
        ]
        self.fields["served_organisations"].choices = [(o.slug, o.name) for o in organisations]
        self.fields["department"].choices = [("", _("— none —"))] + [
            (str(d.pk), f"{d.organisation.name} · {d.name}") for d in departments
        ]
        self.fields["location"].choices = [("", _("— none —"))] + [
            (str(loc.pk), loc.name) for loc in locations
        ]
        self.fields["teams"].choices = [(t.slug, t.name) for t in teams]
        if not new:
            for name in ("username", "invite", "password"):
                del self.fields[name]

    @classmethod
    def initial_for(cls, user: Any) -> dict[str, Any]:
        return {
            "version": user.version,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "organisation": user.organisation.slug if user.organisation else "",
            "manager": user.manager.username if user.manager else "",
            "department": str(user.department_id or ""),
            "location": str(user.location_id or ""),
            "roles": sorted(user.role_names),
            "teams": [t.slug for t in user.teams.all()],
            "served_organisations": sorted(o.slug for o in user.served_organisations.all()),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.new:
            if data.get("invite") and not data.get("email") and "email" not in self.errors:
                self.add_error("email", _("needed to send the invitation"))
            if not data.get("invite") and not data.get("password"):
                self.add_error("password", _("set a password, or send an invitation instead"))
        return data

    def values(self) -> dict[str, Any]:
        """The service's arguments (``username`` and ``password`` only for a new person)."""
        data = self.cleaned_data
        names = [
            "first_name",
            "last_name",
            "email",
            "organisation",
            "department",
            "location",
            "manager",
            "roles",
            "teams",
            "served_organisations",
        ]
        values = {name: data[name] for name in names}
        for name in ("organisation", "department", "location"):
            values[name] = values[name] or None
        values["manager"] = values["manager"].strip() or None
        if self.new:
            values["username"] = data["username"]
            if not data.get("invite"):
                values["password"] = data["password"]
        return values
