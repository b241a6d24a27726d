"""The CI form and relating CIs.

The CI form grows one field per attribute of the chosen class's effective schema, named
``attr_<name>``, so the service's ``attributes.<name>`` errors land next to their input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from steward.cmdb.choices import (
    AttributeType,
    CIStatus,
    Criticality,
    Environment,
    attribute_label,
    shown_name,
)
from steward.cmdb.selectors.schema import enum_choice
from steward.core.forms import SingleLineField
from steward.web.pickers import picker_field

ATTR = "attr_"
BOOLEAN_CHOICES = [("", "—"), ("true", _("Yes")), ("false", _("No"))]


def _attribute_field(spec: Mapping[str, Any]) -> forms.Field:
    """A typed input for one attribute; never ``required`` here: the service says what is
    missing, in the same words as the API."""
    kind = spec["type"]
    label = attribute_label(spec)
    label += " *" if spec.get("required") else ""
    common = {"label": label, "required": False}
    if kind == AttributeType.INTEGER:
        return forms.IntegerField(**common)
    if kind == AttributeType.DECIMAL:
        return forms.DecimalField(**common)
    if kind == AttributeType.BOOLEAN:
        return forms.ChoiceField(choices=BOOLEAN_CHOICES, **common)
    if kind == AttributeType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == AttributeType.ENUM:
        choices = [("", "—")] + [(str(c), str(c)) for c in spec.get("choices", [])]
        return forms.ChoiceField(choices=choices, **common)
    attrs: dict[str, str] = {}
    if kind == AttributeType.REFERENCE:
        # the CI name picker (suggestions fetched as one types), not a list of every CI of
        # the class in the page; the service checks the class of the CI picked or typed
        ref = spec.get("reference_class") or ""
        common["help_text"] = gettext("a %(kind)s (name or CI number)") % {
            "kind": shown_name(ref) if ref else "CI"
        }
        return picker_field(f"ci-{ref}" if ref else "ci", **common)
    if kind == AttributeType.IP:
        attrs = {"placeholder": gettext("10.0.0.1 or 2001:db8::1"), "inputmode": "text"}
    return forms.CharField(widget=forms.TextInput(attrs=attrs), **common)


def _stored(spec: Mapping[str, Any], value: Any) -> Any:
    """The cleaned form value as the service takes it (None: not set)."""
    if value in (None, ""):
        return None
    kind = spec["type"]
    if kind == AttributeType.BOOLEAN:
        return value == "true"
    if kind == AttributeType.DECIMAL:
        return str(value)
    if kind == AttributeType.DATE:
        return value.isoformat()
    if kind == AttributeType.ENUM:
        # choices may be numbers in the schema; give the service the schema's own value,
        # read by the rule every path shares (anything else goes on for the service to refuse)
        try:
            return enum_choice(spec, value, text=True)
        except ValueError:
            return value
    return value


def _initial(spec: Mapping[str, Any], value: Any) -> Any:
    if spec["type"] == AttributeType.BOOLEAN and isinstance(value, bool):
        return "true" if value else "false"
    return value


class CIForm(forms.Form):
    """Create or edit a CI; ``version`` guards against lost updates on edit."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = SingleLineField(max_length=200, label=_("Name"))
    ci_class = forms.ChoiceField(label=_("Class"))
    status = forms.ChoiceField(choices=CIStatus.choices, initial=CIStatus.LIVE, label=_("Status"))
    environment = forms.ChoiceField(
        choices=Environment.choices, initial=Environment.PRODUCTION, label=_("Environment")
    )
    criticality = forms.TypedChoiceField(
        choices=Criticality.choices, coerce=int, initial=Criticality.MEDIUM, label=_("Criticality")
    )
    owner_team = forms.ChoiceField(required=False, label=_("Owner team"))
    support_team = forms.ChoiceField(required=False, label=_("Support team"))
    organisation = forms.ChoiceField(required=False, label=_("Organisation"))
    location = forms.CharField(
        max_length=200, required=False, label=_("Location"), help_text=_("Location name")
    )
    software_version = forms.CharField(max_length=100, required=False, label=_("Product version"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Description")
    )

    def __init__(
        self,
        *args: Any,
        classes: Iterable[Any] = (),
        schema: Mapping[str, Mapping[str, Any]] | None = None,
        teams: Iterable[Any] = (),
        organisations: Iterable[Any] = (),
        statuses: Iterable[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.schema = dict(schema or {})
        if statuses is not None:  # the CI's lifecycle allows these from where it is
            self.fields["status"].choices = list(statuses)
        self.fields["ci_class"].choices = [("", "—")] + [
            (c.slug, shown_name(c.name)) for c in classes
        ]
        team_choices = [("", "—")] + [(t.slug, t.name) for t in teams]
        self.fields["owner_team"].choices = team_choices
        self.fields["support_team"].choices = team_choices
        self.fields["organisation"].choices = [("", "—")] + [
            (o.slug, o.name) for o in organisations
        ]
        for name, spec in self.schema.items():
            self.fields[ATTR + name] = _attribute_field(spec)
        # each input carries the value it was opened with, so an edit sends only what the
        # user changed: saved again after a stale version, it never undoes another's change
        for name, field in self.fields.items():
            field.show_hidden_initial = name != "version"
        self.fields["ci_class"].widget.attrs.update(
            {
                "hx-get": reverse("cmdb:attribute_fields"),
                "hx-target": "#attribute-fields",
                "hx-swap": "outerHTML",
                "hx-include": "#ci-form [name^='attr_']",
            }
        )

    @staticmethod
    def initial_for(ci: Any, schema: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        """The form's starting values from a CI."""
        initial = {
            "version": ci.version,
            "name": ci.name,
            "ci_class": ci.ci_class.slug,
            "status": ci.status,
            "environment": ci.environment,
            "criticality": ci.criticality,
            "owner_team": ci.owner_team.slug if ci.owner_team else "",
            "support_team": ci.support_team.slug if ci.support_team else "",
            "organisation": ci.organisation.slug if ci.organisation else "",
            "location": ci.location.name if ci.location else "",
            "software_version": ci.software_version,
            "description": ci.description,
        }
        initial |= {
            ATTR + name: _initial(spec, ci.attributes[name])
            for name, spec in schema.items()
            if name in ci.attributes
        }
        return initial

    @property
    def attribute_fields(self) -> list[forms.BoundField]:
        return [self[ATTR + name] for name in self.schema]

    @property
    def record_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if not n.startswith(ATTR) and n != "version"]

    def values(self, *, keep_empty: bool = False) -> dict[str, Any]:
        """What the create service takes, attributes typed. Empty references are left out
        (so a limited asset manager's CI gets the organisation they serve), or kept as None
        with ``keep_empty`` (an edit clearing one)."""
        data = self.cleaned_data
        out = {
            name: data[name] or None
            for name in ("owner_team", "support_team", "organisation", "location")
            if data[name] or keep_empty
        }
        for name in ("name", "ci_class", "status", "environment", "criticality"):
            out[name] = data[name]
        out["description"] = data["description"]
        out["software_version"] = data["software_version"]
        out["attributes"] = {
            name: _stored(spec, data.get(ATTR + name)) for name, spec in self.schema.items()
        }
        return out

    def changes(self, ci: Any) -> dict[str, Any]:
        """What the user changed since opening the form (not what differs from the CI now,
        which may hold someone else's newer change); attributes as a merge patch."""
        values = self.values(keep_empty=True)
        changed = set(self.changed_data)
        out = {n: v for n, v in values.items() if n != "attributes" and n in changed}
        class_changed = "ci_class" in changed and values["ci_class"] != ci.ci_class.slug
        given = {
            name: value
            for name, value in values["attributes"].items()
            if class_changed or ATTR + name in changed
        }
        if class_changed:  # what the old class had and the new one lacks is dropped
            given |= {k: None for k in ci.attributes if k not in self.schema}
        if given:
            out["attributes"] = given
        return out

    @property
    def aliases(self) -> dict[str, str]:
        """The service's names of this form's inputs (``attributes.<name>`` is
        ``attr_<name>``), for ``steward.web.forms.submit``."""
        return {f"attributes.{name}": ATTR + name for name in self.schema}


class RelationshipForm(forms.Form):
    """Relate the CI on the page to another, in either direction."""

    # the other CI is whichever end is not the page's
    aliases = {"source": "other", "target": "other"}

    direction = forms.ChoiceField(
        choices=[("out", _("This CI →")), ("in", _("← This CI is the target of"))],
        initial="out",
        label=_("Direction"),
    )
    type = forms.ChoiceField(label=_("Type"))
    other = picker_field(
        "ci", max_length=200, label=_("Other CI"), help_text=_("Type part of its name or number")
    )

    def __init__(self, *args: Any, types: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(t.slug, shown_name(t.name)) for t in types]
