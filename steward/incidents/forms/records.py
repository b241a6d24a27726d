"""Incident web forms for the records and the queue: parse only; the services validate and
decide, and the queue's filters are read by the API's filter schema
(``filters.IncidentFilters``)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.core.forms import AttachmentForm, MultipleFileField, SingleLineField
from steward.incidents.choices import (
    Impact,
    IncidentChannel,
    OnHoldReason,
    QueueOrder,
    ResolutionCode,
    Status,
)
from steward.incidents.models import Incident
from steward.web.pickers import picker_field, set_label
from steward.web.record_forms import RecordUpdateForm, notes_field

LEVELS = [(v, label) for v, label in Impact.choices]
# how a caller may reach the desk when an agent logs the incident (a phone call was "Web")
DESK_CHANNELS = [
    (c.value, c.label) for c in (IncidentChannel.WEB, IncidentChannel.PHONE, IncidentChannel.EMAIL)
]
TEXTS = ("resolution_notes",)
# the fields of the agents' form a requester's form has not (the desk decides these; the
# affected service she names, picked from those she may name, as her files)
REQUESTER_LEFT_OUT = (
    "caller",
    "channel",
    "impact",
    "urgency",
    "configuration_item",
    "team",
    "assignee",
    "is_major",
)
# the update form's fields that hold the record's value as it is (team and assignee are keys)
PLAIN_FIELDS = (
    "impact",
    "urgency",
    "is_major",
    "on_hold_reason",
    "resolution_code",
    "resolution_notes",
)


def _ref(kind: str, label: Any, help_text: Any = "", **kwargs: Any) -> forms.CharField:
    """An optional picker by name (``steward.web.pickers``) with its translated label."""
    return picker_field(kind, required=False, label=label, help_text=help_text, **kwargs)


class IncidentForm(forms.Form):
    WIDE = ("title", "description")

    title = SingleLineField(max_length=200, label=_("Title"))
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    caller = _ref("person", _("Caller"), _("Type a name; empty for yourself"), max_length=150)
    channel = forms.ChoiceField(
        choices=DESK_CHANNELS,
        initial=IncidentChannel.WEB.value,
        required=False,
        label=_("Channel"),
        help_text=_("How the caller reached the desk"),
    )
    category = forms.ChoiceField(required=False, label=_("Category"))
    subcategory = forms.ChoiceField(required=False, label=_("Subcategory"))
    impact = forms.TypedChoiceField(choices=LEVELS, coerce=int, initial=3, label=_("Impact"))
    urgency = forms.TypedChoiceField(choices=LEVELS, coerce=int, initial=3, label=_("Urgency"))
    affected_service = _ref("service", _("Affected service"), max_length=200)
    configuration_item = _ref("ci", _("Configuration item"), max_length=200)
    team = forms.ChoiceField(required=False, label=_("Team"))
    assignee = _ref("agent", _("Assignee"), _("Type a name"), max_length=150)
    is_major = forms.BooleanField(required=False, label=_("Major incident"))
    # a requester's files, stored with the incident (``services.incident_report``)
    files = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, categories=(), subcategories=(), teams=(), agent=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [(c.slug, c.name) for c in categories]
        # the subcategories are the chosen category's (swapped in by htmx as it changes)
        self.fields["subcategory"].choices = [("", "—")] + [(c.slug, c.name) for c in subcategories]
        if not subcategories:
            self.fields["subcategory"].help_text = _("Choose a category first.")
        self.fields["team"].choices = [("", "—")] + [(t.slug, t.name) for t in teams]
        if not self.is_bound:  # a fresh form starts at its title (a refused one at its error)
            self.fields["title"].widget.attrs["autofocus"] = True
        # a requester says what happened, names the service by name if she knows it and
        # attaches files; the desk sets impact and urgency, and she opens no CI
        self.narrowed = not agent
        if agent:
            del self.fields["files"]
        else:
            self.fields["description"].label = _("What happened")
            for name in REQUESTER_LEFT_OUT:
                del self.fields[name]
            self.fields["affected_service"].help_text = _(
                "Type part of the service's name, e.g. Email; empty if you are not sure"
            )
            upload = AttachmentForm().fields["files"]  # the record page's limits, said alike
            self.fields["files"].help_text = upload.help_text
            self.fields["files"].widget.attrs.update(upload.widget.attrs)

    @staticmethod
    def prefill(query: Any) -> dict[str, str]:
        """The new form's first values from the address (``?title=…&description=…``), e.g.
        "Report a problem" from an article that did not help; shown, not saved, so the
        person reads and edits them before sending."""
        title = " ".join(str(query.get("title") or "").split())[:200]
        description = str(query.get("description") or "")[:4000]
        return {k: v for k, v in (("title", title), ("description", description)) if v}

    def clean_files(self) -> list:
        files = [f for f in self.cleaned_data.get("files") or [] if f]
        if len(files) > AttachmentForm.MAX_FILES:
            raise AttachmentForm.too_many()
        return files

    def changes(self) -> dict:
        """Non-empty values only, so unset references stay unset (the files aside)."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k != "files" and v not in ("", None, False)
        }

    def uploads(self) -> list:
        return list(self.cleaned_data.get("files") or [])


def record_values(incident: Incident) -> dict[str, Any]:
    """The editable values of the record as the update form shows them: the form starts
    from these (a blank select would read as "clear it" on Save) and sends only what
    differs from them."""
    return {
        "team": incident.team.slug if incident.team else "",
        "assignee": incident.assignee.username if incident.assignee else "",
        **{name: getattr(incident, name) for name in PLAIN_FIELDS},
    }


class UpdateForm(RecordUpdateForm):
    """Edits and status moves from the incident page (``RecordUpdateForm``: version, the
    move, team, assignee, impact, urgency). The caller's view sends only ``version`` and the
    clicked move."""

    LEVELS = LEVELS
    # a choice, not a checkbox: a browser sends no unticked box, and a field not on the
    # submitted form is left alone (``changes``); "True"/"False" as the record's value shows
    is_major = forms.TypedChoiceField(
        choices=[("False", _("No")), ("True", _("Yes"))],
        coerce=lambda value: value == "True",
        required=False,
        empty_value=None,
        label=_("Major incident"),
    )
    on_hold_reason = forms.ChoiceField(
        choices=[("", "—"), *OnHoldReason.choices], required=False, label=_("On-hold reason")
    )
    resolution_code = forms.ChoiceField(
        choices=[("", "—"), *ResolutionCode.choices], required=False, label=_("Resolution code")
    )
    resolution_notes = notes_field(_("Resolution notes"))
    # sent with Reopen (``services.reopen``: required there, posted as a reply)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        label=_("Why reopen it?"),
        help_text=_("Needed to reopen: say what is still wrong."),
    )

    WIDE = ("resolution_notes",)
    # rendered once per language and value (``steward.web.fields``): their choices are the
    # class's own; team, assignee and the notes are the record's and rendered each time
    FIXED = ("impact", "urgency", "is_major", "on_hold_reason", "resolution_code")

    @property
    def panel_fields(self) -> list[forms.BoundField]:
        """The fields the "Work it" panel shows, in order (version and the move are not)."""
        return [self[name] for name in ("team", "assignee", *PLAIN_FIELDS)]

    @classmethod
    def for_record(cls, incident: Incident) -> UpdateForm:
        form = cls(initial={"version": incident.version, **record_values(incident)})
        set_label(form, "team", incident.team.name if incident.team else "")
        assignee = incident.assignee
        set_label(
            form, "assignee", (assignee.get_full_name() or assignee.username) if assignee else ""
        )
        return form

    def changes(self, incident: Incident) -> dict[str, Any]:
        """Only what differs from the record, so an unchanged field is not rewritten; a field
        not on the submitted form is left alone."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for name, value in record_values(incident).items():
            new = data.get(name)
            if new is None or name not in self.data:
                continue
            if name in TEXTS:
                new = new.replace("\r\n", "\n")
            if new != value:
                out[name] = (new or None) if name in ("team", "assignee") else new
        status = data.get("status") or ""
        if status and status != incident.status:
            out["status"] = status
            if data.get("reason"):  # a reason goes with a move only (Save has none)
                out["reason"] = data["reason"]
        return out


class CommentForm(forms.Form):
    """A reply (or, for agents, an internal work note)."""

    body = forms.CharField(label=_("Add a comment"), widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(
        required=False, label=_("Internal work note (not shown to the caller)")
    )
    FIXED = ("body", "internal")  # the same box on every page (``steward.web.fields``)

    def __init__(self, *args: Any, work_notes: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if work_notes:
            self.fields["body"].label = _("Reply or work note")
        else:
            del self.fields["internal"]


class BulkForm(forms.Form):
    """The queue's ticked incidents and the quick action chosen for them."""

    ACTIONS = (("assign_me", _("Assign selected to me")), ("close", _("Close selected (resolved)")))

    action = forms.ChoiceField(choices=ACTIONS)
    numbers = forms.CharField(required=False)  # read with getlist: the ticked rows
    next = forms.CharField(required=False)

    def numbers_ticked(self, limit: int = 200) -> list[str]:
        return self.data.getlist("numbers")[:limit] if hasattr(self.data, "getlist") else []

    def clean(self) -> dict[str, Any]:
        """Nothing ticked is said as such (the queue answered "0 updated.", as if the
        action had run and found nothing to do)."""
        cleaned = super().clean()
        if not [number for number in self.numbers_ticked() if number]:
            raise forms.ValidationError(
                _("Tick the incidents to act on first: nothing was selected.")
            )
        return cleaned


class SavedViewForm(forms.Form):
    name = SingleLineField(max_length=60, label=_("Save this view as"))
    query = forms.CharField(required=False, widget=forms.HiddenInput)


def _select(label: str, any_label: str | None, choices: list) -> forms.CharField:
    """A select whose value ``filters.py`` checks (a refused one is shown beside it), so the
    form itself refuses nothing."""
    options = [("", any_label), *choices] if any_label else list(choices)
    return forms.CharField(label=label, required=False, widget=forms.Select(choices=options))


class QueueFilterForm(forms.Form):
    """The queue's filter bar (``components/filter_bar.html``), bound to the query string;
    ``IncidentFilters.from_query`` reads the values (as the API does) and its messages land
    on these fields. Requesters get no team filter."""

    queue = forms.CharField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(
            attrs={"placeholder": _("Search number, title… ( / )"), "data-shortcut": "/"}
        ),
    )
    status = _select(_("Status"), _("Any status"), list(Status.choices))
    priority = _select(_("Priority"), _("Any priority"), [(str(p), f"P{p}") for p in range(1, 6)])
    team = _select(_("Team"), _("Any team"), [])
    order = _select(_("Sort"), None, list(QueueOrder.choices))
    # the filters a link sets that the bar has no control for, carried so a change of the
    # bar keeps them; their values are the ones read back through the reader's scope and
    # their chips are drawn above the rows (``views/queue_linked.py``, decision 0118)
    assignee = forms.CharField(required=False, widget=forms.HiddenInput)
    caller = forms.CharField(required=False, widget=forms.HiddenInput)
    ci = forms.CharField(required=False, widget=forms.HiddenInput)
    service = forms.CharField(required=False, widget=forms.HiddenInput)
    category = forms.CharField(required=False, widget=forms.HiddenInput)
    breached = forms.CharField(required=False, widget=forms.HiddenInput)
    major = forms.CharField(required=False, widget=forms.HiddenInput)
    breaching_within = forms.CharField(required=False, widget=forms.HiddenInput)
    created_after = forms.CharField(required=False, widget=forms.HiddenInput)
    created_before = forms.CharField(required=False, widget=forms.HiddenInput)
    LINKED: ClassVar[frozenset[str]] = frozenset(
        {"assignee", "caller", "ci", "service", "category", "breached", "major"}
        | {"breaching_within", "created_after", "created_before"}
    )

    def __init__(self, *args: Any, teams: Any = (), agent: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agent:
            self.fields["team"].widget.choices = [("", _("Any team"))] + [
                (t.slug, t.name) for t in teams
            ]
        else:
            del self.fields["team"]

    @classmethod
    def field_names(cls, *, agent: bool) -> frozenset[str]:
        """The fields of the bar a form built for this reader shows (``__init__`` drops the
        team's; a linked filter is carried hidden, so its refusal is said above the bar)."""
        return frozenset(
            name for name in cls.base_fields if (agent or name != "team") and name not in cls.LINKED
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each refused filter's message beside its field."""
        for name, message in errors.items():
            if name in self.fields and name != "queue":
                self.add_error(name, message)
