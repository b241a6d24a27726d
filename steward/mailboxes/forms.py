"""Web forms of the mailbox pages: parse and hand to the services. The password field is
never filled in from the stored value; left empty on edit, it keeps the password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.forms import SingleLineField
from steward.mailboxes.choices import MailboxKind, MessageStatus, RecordType

TEXT_FIELDS = ("name", "address", "imap_host", "imap_folder", "imap_username")
REFS = ("catalog_item", "team", "category", "organisation")


class MailboxForm(forms.Form):
    """A mailbox: where mail comes from, and what records it opens."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = SingleLineField(max_length=120, label=_("Name"))
    address = forms.CharField(
        max_length=254, label=_("Address"), help_text=_("the address people write to")
    )
    kind = forms.ChoiceField(choices=MailboxKind.choices, label=_("Kind"))
    imap_host = forms.CharField(max_length=255, required=False, label=_("IMAP host"))
    imap_port = forms.IntegerField(initial=993, label=_("IMAP port"))
    imap_tls = forms.BooleanField(required=False, initial=True, label=_("IMAP over TLS"))
    imap_folder = forms.CharField(max_length=200, initial="INBOX", label=_("IMAP folder"))
    imap_username = forms.CharField(max_length=255, required=False, label=_("IMAP user name"))
    imap_password = forms.CharField(
        max_length=500,
        required=False,
        label=_("IMAP password"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("never shown again; leave empty to keep the stored one"),
    )
    poll_seconds = forms.IntegerField(initial=60, label=_("Poll every"), help_text=_("seconds"))
    record_type = forms.ChoiceField(
        choices=RecordType.choices,
        initial=RecordType.INCIDENT,
        required=False,
        label=_("New mail opens"),
    )
    catalog_item = forms.ChoiceField(
        required=False,
        label=_("Catalogue item"),
        help_text=_(
            "for requests: the item ordered (one without required questions, such as a"
            " general request)"
        ),
    )
    team = forms.ChoiceField(
        required=False, label=_("Team"), help_text=_("team new incidents are assigned to")
    )
    category = forms.ChoiceField(required=False, label=_("Category"))
    organisation = forms.ChoiceField(
        required=False, label=_("Organisation"), help_text=_("of new requesters")
    )
    allow_new_requesters = forms.BooleanField(
        required=False, label=_("Unknown senders become requesters")
    )
    acknowledge = forms.BooleanField(
        required=False, initial=True, label=_("Acknowledge new records by mail")
    )
    acknowledgement_text = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label=_("Acknowledgement text"),
        help_text=_(
            "empty: the standard text; placeholders $number, $title, $subject, $link, $address"
        ),
    )
    is_active = forms.BooleanField(required=False, initial=True, label=_("Active"))

    def __init__(
        self, *args: Any, choices: dict[str, list[tuple[str, str]]] | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        for name in REFS:
            self.fields[name].choices = [("", "—"), *(choices or {}).get(name, [])]

    @classmethod
    def initial_for(cls, mailbox: Any) -> dict[str, Any]:
        values = {
            name: getattr(mailbox, name)
            for name in (*TEXT_FIELDS, "version", "kind", "imap_port", "imap_tls", "record_type")
        }
        values |= {
            "poll_seconds": mailbox.poll_seconds,
            "allow_new_requesters": mailbox.allow_new_requesters,
            "acknowledge": mailbox.acknowledge,
            "acknowledgement_text": mailbox.acknowledgement_text,
            "is_active": mailbox.is_active,
        }
        for name in REFS:
            ref = getattr(mailbox, name)
            values[name] = ref.slug if ref else ""
        return values

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["record_type"] = data.get("record_type") or RecordType.INCIDENT
        for name in REFS:
            data[name] = data[name] or None
        return data

    def changes(self, current: dict[str, Any]) -> dict[str, Any]:
        """Only what differs from the stored mailbox (an empty password keeps it)."""
        values = self.values()
        changed = {k: v for k, v in values.items() if k in current and current[k] != v}
        if values.get("imap_password"):
            changed["imap_password"] = values["imap_password"]
        return changed


class MessageFilterForm(forms.Form):
    """The received-mail list's filter bar."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Sender or subject…")}),
    )
    # named as the list's column is: what became of the message
    status = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Any")), *MessageStatus.choices], required=False
    )

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            if name in self.fields:
                for message in messages:
                    self.add_error(name, message)
