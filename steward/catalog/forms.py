"""Web forms of the catalogue: the order form built from an item's definition, the approval
decision, and the task's completion notes. They parse; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms

from steward.catalog.choices import FieldType


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
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}

    @property
    def aliases(self) -> dict[str, str]:
        return {f"answers.{f['key']}": f["key"] for f in self.definition}

    def rows(self) -> list[tuple[forms.BoundField, dict | None]]:
        """Each bound field with the condition that shows it (for the page's data attributes)."""
        return [(self[f["key"]], f.get("show_if")) for f in self.definition]


def _input(field: dict) -> forms.Field:
    label = field["label"] + ("" if field["required"] else " (optional)")
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
        common["help_text"] = common["help_text"] or "A username, e.g. jsmith"
        return forms.CharField(max_length=150, **common)
    if kind == FieldType.CI:
        common["help_text"] = common["help_text"] or "A CI number, e.g. CI0000042"
        return forms.CharField(max_length=16, **common)
    return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), **common)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approved", "Approve"), ("rejected", "Reject")])
    comment = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Comment (optional)",
    )


class TaskCompleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    notes = forms.CharField(
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What was done",
    )


class TaskTakeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(forms.Form):
    body = forms.CharField(
        max_length=65_536, widget=forms.Textarea(attrs={"rows": 3}), label="Reply"
    )
