"""Change web forms: parse and shape values only; the services validate and decide.

Times come from ``datetime-local`` inputs, which carry no zone: Django reads them in the
active (the user's) time zone and shows stored UTC values back in it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.changes.choices import ChangeType, Outcome, ReviewOutcome, RiskLevel, Status
from steward.changes.models import Change, ChangeTemplate, FreezeWindow, RiskQuestion
from steward.changes.selectors import risk_answer_label, risk_question_text
from steward.core.forms import SingleLineField
from steward.web.filter_forms import FilterForm, filter_select
from steward.web.pickers import MultiPickerField, picker_field, set_label, set_labels

LOCAL = "%Y-%m-%dT%H:%M"


def _when(label: str, **kwargs: Any) -> forms.DateTimeField:
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL)
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=widget,
        input_formats=[LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        **kwargs,
    )


def _numbers(keys: list[str] | str) -> list[str]:
    text = keys if isinstance(keys, str) else " ".join(keys)
    return sorted({n.strip().upper() for n in text.replace(",", " ").split() if n.strip()})


def _text(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ChangeForm(forms.Form):
    """Create or edit a change; the risk questionnaire adds one ``risk_<slug>`` field each."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    type = forms.ChoiceField(choices=ChangeType.choices, initial=ChangeType.NORMAL, label=_("Type"))
    template = forms.ChoiceField(required=False, label=_("Standard change template"))
    title = SingleLineField(max_length=200, label=_("Title"))
    description = forms.CharField(widget=_text(), required=False, label=_("Description"))
    team = forms.ChoiceField(required=False, label=_("Team"))
    assignee = picker_field(
        "agent",
        max_length=150,
        required=False,
        label=_("Assignee"),
        help_text=_("Type part of an agent's name"),
    )
    cis = MultiPickerField(
        "ci",
        label=_("Affected CIs"),
        help_text=_("Type part of a CI's name or number; pick each one"),
    )
    incidents = MultiPickerField(
        "incident",
        label=_("Related incidents"),
        help_text=_("Type an incident's number or title"),
    )
    planned_start = _when(_("Planned start"))
    planned_end = _when(_("Planned end"))
    implementation_plan = forms.CharField(
        widget=_text(), required=False, label=_("Implementation plan")
    )
    backout_plan = forms.CharField(widget=_text(), required=False, label=_("Backout plan"))
    test_plan = forms.CharField(widget=_text(3), required=False, label=_("Test plan"))

    def __init__(
        self,
        *args: Any,
        teams: list = (),  # type: ignore[assignment]
        templates: list[ChangeTemplate] = (),  # type: ignore[assignment]
        questions: list[RiskQuestion] = (),  # type: ignore[assignment]
        change: Change | None = None,
        scope_editable: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.change = change
        self.fields["team"].choices = [("", "—")] + [(t.slug, t.name) for t in teams]
        self.fields["template"].choices = [("", "—")] + [(t.slug, t.name) for t in templates]
        self.question_names = []
        for question in questions:
            name = f"risk_{question.slug}"
            # the seeded questions in the reader's language, an administrator's as written
            self.fields[name] = forms.ChoiceField(
                label=risk_question_text(question),
                required=False,
                choices=[("", _("Not answered"))]
                + [(a.slug, risk_answer_label(question, a)) for a in question.answers.all()],
            )
            self.question_names.append((name, question.slug))
        if change is not None:  # type and template are fixed once raised
            del self.fields["type"], self.fields["template"]
            if change.assignee:
                set_label(self, "assignee", change.assignee.get_full_name() or str(change.assignee))
            set_labels(self, "cis", {ci.number: ci.name for ci in change.cis.all()})
            set_labels(
                self,
                "incidents",
                {i.number: f"{i.number} {i.title}" for i in change.incidents.all()},
            )
        if not scope_editable:  # CIs and answers shape the approvals: fixed after assessment
            self.fields["cis"].disabled = True
            self.fields["cis"].help_text = _("Fixed once authorisation starts")
            for name, _slug in self.question_names:
                self.fields[name].disabled = True

    @classmethod
    def initial_for(cls, change: Change) -> dict[str, Any]:
        initial = {
            name: getattr(change, name)
            for name in (
                "title",
                "description",
                "planned_start",
                "planned_end",
                "implementation_plan",
                "backout_plan",
                "test_plan",
                "version",
            )
        }
        initial |= {
            "team": change.team.slug if change.team else "",
            "assignee": change.assignee.username if change.assignee else "",
            "cis": sorted(ci.number for ci in change.cis.all()),
            "incidents": sorted(i.number for i in change.incidents.all()),
        }
        initial |= {f"risk_{k}": v for k, v in (change.risk_answers or {}).items()}
        return initial

    @property
    def risk_fields(self) -> list:
        return [self[name] for name, _ in self.question_names]

    @property
    def plain_fields(self) -> list:
        risk = {name for name, _ in self.question_names}
        return [f for f in self.visible_fields() if f.name not in risk]

    def values(self) -> dict[str, Any]:
        """Everything the form says, as the service's fields (``risk_answers`` a dict)."""
        data = self.cleaned_data
        out: dict[str, Any] = {
            name: data[name]
            for name in (
                "title",
                "description",
                "implementation_plan",
                "backout_plan",
                "test_plan",
                "planned_start",
                "planned_end",
            )
        }
        out["team"] = data["team"] or None
        out["assignee"] = data["assignee"].strip() or None
        out["cis"] = _numbers(data["cis"])
        out["incidents"] = _numbers(data["incidents"])
        out["risk_answers"] = {slug: data[name] for name, slug in self.question_names if data[name]}
        return out

    def create_values(self) -> dict[str, Any]:
        """Fields for ``change_create``: empty ones left out. A template chosen goes to the
        service whatever the type, which refuses a template on a normal or emergency change
        beside the type (it was dropped without a word, raising a change without its plans)."""
        values = {k: v for k, v in self.values().items() if v not in (None, "", [], {})}
        values.setdefault("title", "")
        values["type"] = self.cleaned_data["type"]
        if self.cleaned_data["template"]:
            values["template"] = self.cleaned_data["template"]
        elif self.cleaned_data["type"] == ChangeType.STANDARD:
            values["template"] = None
        return values

    def edit_changes(self, change: Change) -> dict[str, Any]:
        """Only what differs from the change, so untouched fields are not rewritten (times
        compared to the minute, as the inputs show them)."""
        current = self.initial_for(change)
        current["cis"] = _numbers(current["cis"])
        current["incidents"] = _numbers(current["incidents"])
        current["risk_answers"] = dict(change.risk_answers or {})
        out = {}
        for name, value in self.values().items():
            now = current.get(name)
            if name in ("team", "assignee"):
                now = now or None
            if isinstance(value, dt.datetime) and isinstance(now, dt.datetime):
                value_minute = value.replace(second=0, microsecond=0)
                if value_minute == now.replace(second=0, microsecond=0):
                    continue
            if value != now:
                out[name] = value
        return out


class MoveForm(forms.Form):
    """A status move from the change page with the fields that move may need."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.CharField()
    planned_start = _when(_("Planned start"))
    planned_end = _when(_("Planned end"))
    actual_start = _when(_("Actual start"))
    actual_end = _when(_("Actual end"))
    outcome = forms.ChoiceField(
        choices=[("", "—"), *Outcome.choices], required=False, label=_("Outcome")
    )
    override_reason = forms.CharField(
        widget=_text(2),
        required=False,
        label=_("Override reason"),
        help_text=_("Required to schedule despite conflicts or a freeze window"),
    )
    # offered by "Start implementation" only while the planned window is over an hour away
    start_early = forms.BooleanField(required=False, label=_("Start before the planned window"))

    def changes(self, change: Change) -> dict[str, Any]:
        """The status and the fields filled in, leaving out a time the input shows unchanged
        (inputs have minutes; stored times may have seconds)."""
        out = {}
        for name, value in self.cleaned_data.items():
            if name == "version" or value in (None, ""):
                continue
            now = getattr(change, name, None)
            if isinstance(value, dt.datetime) and isinstance(now, dt.datetime):
                if value == now.replace(second=0, microsecond=0):
                    continue
            elif name == "outcome" and value == now:
                continue
            out[name] = value
        return out


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(choices=ReviewOutcome.choices, label=_("Outcome"))
    notes = forms.CharField(widget=_text(), label=_("What happened"))
    lessons = forms.CharField(widget=_text(3), required=False, label=_("Lessons learned"))


class CommentForm(forms.Form):
    body = forms.CharField(widget=_text(3), label=_("Comment"))
    internal = forms.BooleanField(required=False, label=_("Internal work note"))


class DecisionForm(forms.Form):
    # labelled: the agenda's alert names the field a service message is about
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("reject", "Reject")], label=_("Decision")
    )
    comment = forms.CharField(widget=_text(2), required=False, label=_("Comment"))


class FreezeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = SingleLineField(max_length=200, label=_("Name"))
    slug = forms.SlugField(
        max_length=60,
        required=False,
        label=_("Slug"),
        help_text=_("Empty: made from the name"),
    )
    reason = forms.CharField(widget=_text(3), required=False, label=_("Reason"))
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"))
    ci = picker_field(
        "ci",
        max_length=200,
        required=False,
        label=_("Service CI"),
        help_text=_("Type part of the CI's name; empty for a global freeze"),
    )
    is_active = forms.BooleanField(required=False, initial=True, label=_("Active"))

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["ci"] = data["ci"].strip().upper() or None
        return data

    @classmethod
    def initial_for(cls, freeze: FreezeWindow) -> dict[str, Any]:
        return {
            "version": freeze.version,
            "name": freeze.name,
            "slug": freeze.slug,
            "reason": freeze.reason,
            "starts_at": freeze.starts_at,
            "ends_at": freeze.ends_at,
            "ci": freeze.ci.number if freeze.ci else "",
            "is_active": freeze.is_active,
        }

    def changes(self, freeze: FreezeWindow) -> dict[str, Any]:
        current = self.initial_for(freeze)
        current["ci"] = current["ci"] or None
        return {k: v for k, v in self.values().items() if k != "slug" and v != current.get(k)}


class ChangeFilterForm(FilterForm):
    """The change list's filter bar (``components/filter_bar.html``), bound to the query
    string; ``filters.ChangeQueueFilters`` reads the values and its refusals land here."""

    status = filter_select(_("Status"), _("Any status"), list(Status.choices))
    type = filter_select(_("Type"), _("Any type"), list(ChangeType.choices))
    risk = filter_select(_("Risk"), _("Any risk"), list(RiskLevel.choices))
    team = filter_select(_("Team"), _("Any team"), [])

    def __init__(self, *args: Any, teams: list = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        if teams:
            choices = [(t.slug, t.name) for t in teams]
            self.fields["team"].widget.choices = [("", _("Any team")), *choices]
        else:  # requesters choose no team
            del self.fields["team"]


class AgendaFilterForm(FilterForm):
    """The CAB agenda's filter bar: all waiting, or what awaits my vote (``AgendaFilters``)."""

    queue = None
    q = None
    mine = filter_select(_("Show"), _("All waiting changes"), [("true", _("Awaiting my vote"))])


class FreezeFilterForm(FilterForm):
    """The freeze-window list's filter bar: the search only (no queues)."""

    queue = None
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Search name or reason")}),
    )


class TemplateForm(forms.Form):
    """A standard-change template: what its changes are and how they are done."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = SingleLineField(max_length=200, label=_("Name"))
    description = forms.CharField(required=False, widget=_text(3), label=_("Description"))
    implementation_plan = forms.CharField(
        required=False, widget=_text(4), label=_("Implementation plan")
    )
    backout_plan = forms.CharField(required=False, widget=_text(3), label=_("Backout plan"))
    test_plan = forms.CharField(required=False, widget=_text(3), label=_("Test plan"))
    is_active = forms.BooleanField(
        required=False, initial=True, label=_("Active (offered on new standard changes)")
    )

    TEXTS = ("name", "description", "implementation_plan", "backout_plan", "test_plan")

    @classmethod
    def initial_for(cls, template: ChangeTemplate) -> dict[str, Any]:
        return {n: getattr(template, n) for n in (*cls.TEXTS, "is_active", "version")}

    def values(self) -> dict[str, Any]:
        return {n: self.cleaned_data[n] for n in (*self.TEXTS, "is_active")}


class DelegationForm(forms.Form):
    """While ``user`` is away, ``delegate`` decides their approvals (usernames: the service
    checks both)."""

    user = picker_field(
        "person",
        max_length=150,
        label=_("Approver who is away"),
        help_text=_("Type part of their name"),
    )
    delegate = picker_field(
        "agent",
        max_length=150,
        label=_("Decides instead"),
        help_text=_("Type part of an agent's name"),
    )
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not new:
            del self.fields["user"]  # a delegation stays the same person's

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
