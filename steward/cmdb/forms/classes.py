"""The CI class form: names, parent, and the class's own attributes as rows of inputs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from steward.cmdb.choices import AttributeType
from steward.core.forms import SingleLineField

ATTRIBUTE_TYPES = [("", "—"), *AttributeType.choices]
BLANK_ROWS = 3


# an attribute row's boxes by their column and row (no <label> fits a table's cell)
ROW_NAMES = {
    "name": _("Name of attribute %(row)s"),
    "type": _("Type of attribute %(row)s"),
    "required": _("Required, attribute %(row)s"),
    "choices": _("Choices of attribute %(row)s"),
    "reference_class": _("Class attribute %(row)s refers to"),
    "label": _("Label of attribute %(row)s"),
}


class CIClassForm(forms.Form):
    """A class: names, parent, and its own attributes as rows of inputs (a row with an empty
    name is ignored, so blank rows add and emptied rows remove)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = SingleLineField(max_length=100, label=_("Name"))
    slug = forms.CharField(
        max_length=60, label=_("Slug"), help_text=_("lower-case letters, digits, - and _")
    )
    parent = forms.ChoiceField(required=False, label=_("Parent"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Description")
    )
    identification_keys = forms.CharField(
        required=False,
        label=_("Identification keys"),
        help_text=_("Attribute names, comma separated, tried in order on import"),
    )
    is_active = forms.BooleanField(required=False, initial=True, label=_("Active"))
    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=200)
    # no input: holds the service's errors on the schema as a whole, shown above the rows
    attributes = forms.Field(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        parents: Iterable[Any] = (),
        classes: Iterable[Any] = (),
        rows: int = BLANK_ROWS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "—")] + [(c.slug, c.name) for c in parents]
        if self.is_bound:
            try:
                rows = min(int(self.data.get("rows", rows)), 200)
            except (TypeError, ValueError):
                rows = BLANK_ROWS
        self.initial.setdefault("rows", rows)
        class_choices = [("", "—")] + [(c.slug, c.name) for c in classes]
        for i in range(rows):
            self.fields[f"a{i}_name"] = SingleLineField(
                max_length=60, required=False, label=_("Name")
            )
            # the row's name when the form was drawn: a rename carries into the keys (values)
            self.fields[f"a{i}_was"] = forms.CharField(
                max_length=60, required=False, widget=forms.HiddenInput
            )
            self.fields[f"a{i}_type"] = forms.ChoiceField(
                choices=ATTRIBUTE_TYPES, required=False, label=_("Type")
            )
            self.fields[f"a{i}_required"] = forms.BooleanField(required=False, label=_("Required"))
            self.fields[f"a{i}_choices"] = forms.CharField(
                required=False, label=_("Choices"), help_text=_("enum: comma separated")
            )
            self.fields[f"a{i}_reference_class"] = forms.ChoiceField(
                choices=class_choices, required=False, label=_("Refers to")
            )
            self.fields[f"a{i}_label"] = forms.CharField(
                max_length=100, required=False, label=_("Label")
            )
            # the rows are a table under one header: each box says its column and row
            for part, name in ROW_NAMES.items():
                self.fields[f"a{i}_{part}"].widget.attrs["aria-label"] = name % {"row": i + 1}
        self.row_count = rows

    @property
    def attribute_rows(self) -> list[list[forms.BoundField]]:
        parts = ("name", "type", "required", "choices", "reference_class", "label")
        return [[self[f"a{i}_{p}"] for p in parts] for i in range(self.row_count)]

    @property
    def drawn_names(self) -> list[forms.BoundField]:
        """The hidden inputs holding each row's name as drawn (``a{i}_was``)."""
        return [self[f"a{i}_was"] for i in range(self.row_count)]

    @property
    def record_fields(self) -> list[forms.BoundField]:
        return [
            self[n]
            for n in ("name", "slug", "parent", "description", "identification_keys", "is_active")
        ]

    @staticmethod
    def initial_for(ci_class: Any, parent_slug: str | None) -> dict[str, Any]:
        initial = {
            "version": ci_class.version,
            "name": ci_class.name,
            "slug": ci_class.slug,
            "parent": parent_slug or "",
            "description": ci_class.description,
            "identification_keys": ", ".join(ci_class.identification_keys),
            "is_active": ci_class.is_active,
            "rows": len(ci_class.attributes) + BLANK_ROWS,
        }
        for i, spec in enumerate(ci_class.attributes):
            initial |= {
                f"a{i}_name": spec["name"],
                f"a{i}_was": spec["name"],
                f"a{i}_type": spec["type"],
                f"a{i}_required": bool(spec.get("required")),
                f"a{i}_choices": ", ".join(map(str, spec.get("choices") or [])),
                f"a{i}_reference_class": spec.get("reference_class") or "",
                f"a{i}_label": spec.get("label") or "",
            }
        return initial

    def values(self) -> dict[str, Any]:
        """What the class services take; the attribute list rebuilt from the rows."""
        data = self.cleaned_data
        attributes = []
        renamed: dict[str, str] = {}
        for i in range(self.row_count):
            name = data.get(f"a{i}_name", "").strip()
            if not name:
                continue
            was = (data.get(f"a{i}_was") or "").strip()
            if was and was != name:
                renamed[was] = name
            spec: dict[str, Any] = {
                "name": name,
                "type": data.get(f"a{i}_type") or "",
                "required": bool(data.get(f"a{i}_required")),
            }
            choices = [c.strip() for c in data.get(f"a{i}_choices", "").split(",") if c.strip()]
            if choices:
                spec["choices"] = choices
            if data.get(f"a{i}_reference_class"):
                spec["reference_class"] = data[f"a{i}_reference_class"]
            if data.get(f"a{i}_label", "").strip():
                spec["label"] = data[f"a{i}_label"].strip()
            attributes.append(spec)
        return {
            "name": data["name"],
            "slug": data["slug"],
            "parent": data["parent"] or None,
            "description": data["description"],
            "attributes": attributes,
            # a key naming an attribute this edit renames follows it to its new name
            "identification_keys": list(
                dict.fromkeys(
                    renamed.get(k.strip(), k.strip())
                    for k in data["identification_keys"].split(",")
                    if k.strip()
                )
            ),
            "is_active": data["is_active"],
        }
