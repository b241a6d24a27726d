"""Web forms of the catalogue: the order form built from an item's definition, the approval
decision, and the task's completion notes. They parse; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from steward.catalog.choices import (
    ApproverKind,
    Audience,
    FieldType,
    ServiceKind,
    Stage,
    TaskMode,
)
from steward.core.choices import Role
from steward.core.forms import MultipleFileField, SingleLineField
from steward.web.pickers import PickerInput


class OrderForm(forms.Form):
    """One input per field of the item's form. Every input is optional here: which answers
    are required depends on the other answers (conditional fields), and the service decides
    that; its errors land beside each field (``answers.<key>`` → ``<key>``)."""

    def __init__(self, definition: list[dict], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        for field in definition:
            self.fields[field["key"]] = _input(field)

    def answers(self) -> dict[str, Any]:
        """What was typed, blanks left out (a blank is "no answer")."""
        answers = {}
        for key, value in self.cleaned_data.items():
            if isinstance(value, list):  # an attachment question's files; none: no answer
                value = [v for v in value if v] or None
            if value not in ("", None):
                answers[key] = value
        return answers

    @property
    def has_required(self) -> bool:
        return any(f["required"] for f in self.definition)

    @property
    def is_multipart_form(self) -> bool:
        return any(f["type"] == FieldType.ATTACHMENT for f in self.definition)

    @property
    def aliases(self) -> dict[str, str]:
        return {f"answers.{f['key']}": f["key"] for f in self.definition}

    def rows(self) -> list[tuple[forms.BoundField, dict | None]]:
        """Each bound field with the condition that shows it (for the page's data attributes)."""
        return [(self[f["key"]], f.get("show_if")) for f in self.definition]


def _input(field: dict) -> forms.Field:
    made = _made(field)
    if field["required"]:  # marked (components/field.html) and said to assistive technology
        made.required_mark = True
        made.widget.attrs.update({"required": True, "aria-required": "true"})
    return made


def _made(field: dict) -> forms.Field:
    label = field["label"] if field["required"] else _("%(label)s (optional)") % field
    common = {"label": label, "required": False, "help_text": field.get("help", "")}
    kind = field["type"]
    if kind == FieldType.CHOICE:
        choices = [("", "—"), *((c, c) for c in field["choices"])]
        return forms.ChoiceField(choices=choices, **common)
    if kind == FieldType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == FieldType.NUMBER:
        attrs = {"inputmode": "decimal"}
        return forms.CharField(max_length=40, widget=forms.TextInput(attrs=attrs), **common)
    if kind == FieldType.USER:
        # picked by name or email; the form still sends the username the service takes
        common["help_text"] = common["help_text"] or _("Type a name or email and pick the person")
        return forms.CharField(max_length=150, widget=PickerInput("orderable-person"), **common)
    if kind == FieldType.CI:
        common["help_text"] = common["help_text"] or _("A CI number, e.g. CI0000042")
        return forms.CharField(max_length=16, **common)
    if kind == FieldType.ATTACHMENT:
        limit = filesizeformat(settings.MAX_UPLOAD_BYTES)
        common["help_text"] = common["help_text"] or _(
            "Up to 10 files, %(limit)s each at most."
        ) % {"limit": limit}
        return MultipleFileField(**common)
    return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), **common)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approved", _("Approve")), ("rejected", _("Reject"))])
    comment = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Comment (optional)"),
    )


class TaskCompleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    notes = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("What was done"),
    )


class TaskTakeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(forms.Form):
    body = forms.CharField(
        max_length=65_536, widget=forms.Textarea(attrs={"rows": 3}), label=_("Reply")
    )


# --- administration: building items without code ------------------------------------------


class ItemForm(forms.Form):
    """An item's own settings; its form fields, stages and tasks are the formsets below."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = SingleLineField(max_length=120, label=_("Name"))
    category = forms.CharField(max_length=60, required=False, label=_("Category"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Description")
    )
    service = forms.ChoiceField(required=False, label=_("Service"))
    audience = forms.ChoiceField(choices=Audience.choices, label=_("Audience"))
    audience_organisations = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Organisations (audience)")
    )
    audience_roles = forms.MultipleChoiceField(
        required=False,
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Roles (audience)"),
    )
    task_mode = forms.ChoiceField(choices=TaskMode.choices, label=_("Fulfilment tasks run"))
    sla_policy = forms.ChoiceField(
        required=False,
        label=_("SLA policy"),
        help_text=_("clocks on each request; none: the service's policy, if it has one"),
    )
    is_active = forms.BooleanField(required=False, initial=True, label=_("Orderable"))

    def __init__(  # noqa: ANN001
        self, *args: Any, services=(), organisations=(), policies=(), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("— none —"))] + [
            (s.slug, s.name) for s in services
        ]
        self.fields["sla_policy"].choices = policy_choices(policies)
        self.fields["audience_organisations"].choices = [(o.slug, o.name) for o in organisations]


class FieldRow(forms.Form):
    """One question of the order form."""

    key = forms.CharField(
        max_length=40,
        required=False,
        label=_("Key"),
        help_text=_("a short name: laptop_model"),
    )
    label = forms.CharField(max_length=200, required=False, label=_("Label"))
    type = forms.ChoiceField(
        choices=[("", "—"), *FieldType.choices], required=False, label=_("Type")
    )
    required = forms.BooleanField(required=False, label=_("Required"))
    choices = forms.CharField(
        max_length=2000,
        required=False,
        label=_("Choices"),
        help_text=_("choices, one per line"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minimum = forms.FloatField(required=False, label=_("Min"))
    maximum = forms.FloatField(required=False, label=_("Max"))
    show_if_field = forms.CharField(max_length=40, required=False, label=_("Show only if field"))
    show_if_equals = forms.CharField(max_length=120, required=False, label=_("has the answer"))

    def definition(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("key") and not data.get("label"):
            return None
        field: dict[str, Any] = {
            "key": data["key"],
            "label": data["label"],
            "type": data["type"],
            "required": data["required"],
        }
        if data["type"] == FieldType.CHOICE:
            field["choices"] = [c.strip() for c in data["choices"].splitlines() if c.strip()]
        for name, setting in (("minimum", "min"), ("maximum", "max")):
            if data.get(name) is not None:
                value = data[name]
                field[setting] = int(value) if value == int(value) else value
        if data.get("show_if_field"):
            field["show_if"] = {"field": data["show_if_field"], "equals": data["show_if_equals"]}
        return field

    @staticmethod
    def initial_of(field: dict) -> dict:
        return {
            "key": field["key"],
            "label": field["label"],
            "type": field["type"],
            "required": field["required"],
            "choices": "\n".join(field.get("choices", [])),
            "minimum": field.get("min"),
            "maximum": field.get("max"),
            "show_if_field": (field.get("show_if") or {}).get("field", ""),
            "show_if_equals": (field.get("show_if") or {}).get("equals", ""),
        }


class StageRow(forms.Form):
    """One approval stage."""

    name = SingleLineField(max_length=120, required=False, label=_("Name"))
    approvers = forms.ChoiceField(
        choices=[("", "—"), *ApproverKind.choices], required=False, label=_("Approvers")
    )
    team = forms.CharField(
        max_length=60, required=False, label=_("Team"), help_text=_("team slug, for A team")
    )
    users = forms.CharField(
        max_length=2000,
        required=False,
        label=_("Users"),
        help_text=_("usernames, one per line"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    quorum = forms.CharField(
        max_length=10,
        required=False,
        initial="any",
        label=_("Quorum"),
        help_text=_("any, all, or a number of approvals"),
    )

    def definition(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("approvers"):
            return None
        quorum: Any = (data.get("quorum") or "any").strip()
        stage = {
            "name": data["name"],
            "approvers": data["approvers"],
            "quorum": int(quorum) if quorum.isdigit() else quorum,
        }
        if data["approvers"] == ApproverKind.TEAM:
            stage["team"] = data["team"]
        if data["approvers"] == ApproverKind.USERS:
            stage["users"] = [u.strip() for u in data["users"].splitlines() if u.strip()]
        return stage

    @staticmethod
    def initial_of(stage: dict) -> dict:
        return {**stage, "users": "\n".join(stage.get("users", [])), "quorum": str(stage["quorum"])}


def policy_choices(policies: Any) -> list[tuple[str, str]]:
    return [("", _("— none —"))] + [(p.slug, p.name) for p in policies]


class TaskRow(forms.Form):
    """One fulfilment task."""

    title = SingleLineField(max_length=200, required=False, label=_("Title"))
    team = forms.ChoiceField(required=False, label=_("Team"))
    sla_policy = forms.ChoiceField(required=False, label=_("SLA policy"))

    def __init__(self, *args: Any, teams=(), policies=(), **kwargs: Any) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "—")] + [(t.slug, t.name) for t in teams]
        self.fields["sla_policy"].choices = policy_choices(policies)

    def definition(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("title"):
            return None
        task = {"title": data["title"], "team": data["team"]}
        if data.get("sla_policy"):
            task["sla_policy"] = data["sla_policy"]
        return task


FieldRows = forms.formset_factory(FieldRow, extra=3)
StageRows = forms.formset_factory(StageRow, extra=1)
TaskRows = forms.formset_factory(TaskRow, extra=2)


class ServiceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = SingleLineField(max_length=120)
    kind = forms.ChoiceField(choices=ServiceKind.choices)
    stage = forms.ChoiceField(choices=Stage.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = forms.CharField(max_length=150, required=False, help_text="username")
    support_team = forms.CharField(max_length=60, required=False, help_text="team slug")
    configuration_item = forms.CharField(
        max_length=16, required=False, help_text="CI number of the business service in the CMDB"
    )
