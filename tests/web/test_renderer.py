"""The form renderer builds inputs, selects and text areas in Python
(steward/web/renderer.py): every kind of widget it handles renders exactly as Django's own
templates render it, and what it does not handle still goes through the templates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from steward.core.forms import ProfileForm
from steward.web import renderer
from steward.web.pickers import PickerInput, picker_field, set_label
from steward.web.renderer import WidgetRenderer

GROUPED = [
    ("", "— none —"),
    ("Europe", [("Europe/Berlin", "Berlin"), ("Europe/Paris", 'Paris <&> "quoted"')]),
    ("America", [("America/New_York", gettext_lazy("New York"))]),
    (7, 7),
]


class EveryKind(forms.Form):
    """One field of each widget kind the renderer writes itself, with awkward values."""

    text = forms.CharField(max_length=20, help_text="help")
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "a"}))
    number = forms.IntegerField(min_value=1)
    amount = forms.DecimalField(required=False)
    email = forms.EmailField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(required=False)
    at = forms.TimeField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    tick = forms.BooleanField(required=False)
    search = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "autofocus": True})
    )
    attached = forms.FileField(required=False, widget=forms.FileInput)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    empty_notes = forms.CharField(required=False, widget=forms.Textarea)
    kind = forms.ChoiceField(choices=GROUPED, required=False)
    flat = forms.TypedChoiceField(choices=[(1, "one"), (2, "two")], coerce=int)
    many = forms.MultipleChoiceField(choices=GROUPED[1][1], required=False)
    marked = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"data-x": mark_safe("<b>"), "data-y": "<b>", "off": False, "on": True}
        ),
    )


BOUND = {
    "text": 'say "hi" <there> & more',
    "number": "0",  # an error: aria-invalid on the input
    "amount": "1.50",
    "email": "a@example.com",
    "day": "2026-12-04",
    "moment": "2026-12-04 10:00",
    "at": "09:30",
    "secret": "p<w>",
    "hidden": "h&h",
    "notes": 'a <b> & "c"\r\nsecond line',
    "empty_notes": "",
    "tick": "on",
    "kind": "Europe/Paris",
    "flat": "2",
    "many": ["Europe/Berlin", "Europe/Paris"],
}

INITIAL = {
    "number": 3,
    "amount": Decimal("2.5"),
    "day": dt.date(2026, 12, 4),
    "moment": dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC),
    "kind": 7,
    "flat": 1,
    "notes": mark_safe("<i>kept safe</i>"),
}


def rendered(form: forms.Form) -> dict[str, str]:
    return {field.name: str(field) for field in form}


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda r: EveryKind(renderer=r), id="unbound"),
        pytest.param(lambda r: EveryKind(initial=INITIAL, renderer=r), id="initial"),
        pytest.param(lambda r: EveryKind(BOUND, renderer=r), id="bound-with-errors"),
        pytest.param(
            lambda r: ProfileForm(initial={"time_zone": "Europe/Berlin"}, renderer=r),
            id="profile",
        ),
    ],
)
def test_every_widget_renders_as_djangos_templates_do(make) -> None:  # noqa: ANN001
    ours, djangos = make(WidgetRenderer()), make(DjangoTemplates())
    ours.is_valid() if ours.is_bound else None
    djangos.is_valid() if djangos.is_bound else None
    assert rendered(ours) == rendered(djangos)


def test_the_fields_above_are_built_in_python_not_by_a_template(monkeypatch) -> None:  # noqa: ANN001
    """The comparison above compares something: with the engine taken away, every field of
    the form still renders (so none of them fell through to a template)."""
    monkeypatch.setattr(DjangoTemplates, "render", lambda *a, **k: pytest.fail("a template"))
    form = EveryKind(BOUND, renderer=WidgetRenderer())
    form.is_valid()
    assert all(rendered(form).values())
    assert 'value="Europe/Paris" selected' in str(form["kind"])


def test_a_select_with_its_own_option_template_goes_through_the_engine() -> None:
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    widget = Custom(choices=[("a", "A")])
    html = widget.render("pick", "a", renderer=WidgetRenderer())
    assert html == widget.render("pick", "a", renderer=DjangoTemplates())
    assert "<label><input" in html  # the option's own template, not <option>
    assert "<option" not in html


def test_the_project_renders_forms_with_it() -> None:
    assert settings.FORM_RENDERER == "steward.web.renderer.WidgetRenderer"
    assert type(forms.renderers.get_default_renderer()) is WidgetRenderer


HOSTILE = '<script>alert("x")</script> Tom & Jerry\'s'


class Picked(forms.Form):
    """Pickers (decision 0098), their label, key and attributes hostile."""

    team = picker_field("team", required=False)
    assignee = picker_field("agent", required=False)
    marked = forms.CharField(
        required=False,
        widget=PickerInput("ci", attrs={"data-x": HOSTILE, "off": False, "on": True}),
    )


def _picked(renderer, data=None, prefix=None) -> Picked:  # noqa: ANN001
    form = Picked(data, initial={"team": 'desk"&<', "assignee": HOSTILE}, renderer=renderer,
                  prefix=prefix)  # fmt: skip
    set_label(form, "team", HOSTILE)
    return form


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda r: _picked(r), id="unbound"),
        pytest.param(lambda r: _picked(r, prefix="x<y"), id="prefixed"),
        pytest.param(
            lambda r: _picked(r, {"team": "a&b", "team_label": HOSTILE, "team_shown": "other"}),
            id="bound-typed",
        ),
    ],
)
def test_a_picker_renders_as_its_template_does(make, monkeypatch) -> None:  # noqa: ANN001
    ours = rendered(make(WidgetRenderer()))
    assert 'class="picker"' in ours["team"]
    monkeypatch.setattr(renderer, "PICKERS", False)  # the template, through the engine
    assert ours == rendered(make(WidgetRenderer())) == rendered(make(DjangoTemplates()))
    monkeypatch.setattr(renderer, "PICKERS", True)
    monkeypatch.setattr(DjangoTemplates, "render", lambda *a, **k: pytest.fail("a template"))
    assert rendered(make(WidgetRenderer()))["team"]  # written in Python, no template
    attrs = Picked(auto_id=False, renderer=WidgetRenderer())  # no id: hx-vals names ""
    monkeypatch.undo()
    assert str(attrs["team"]) == str(Picked(auto_id=False, renderer=DjangoTemplates())["team"])
