"""The form renderer (``FORM_RENDERER``): Django's, with its commonest widgets built in Python.

Django renders a ``<select>`` by including ``select_option.html`` and ``attrs.html`` once per
option, a full template render each: the profile's time-zone list (~600 zones) cost more
than 100 ms of a 160 ms page, and the inputs and selects of a form or filter bar 5 to 15 ms
more on most pages the journeys visit; a text area (the incident page's notes and comment
box) is an ``attrs.html`` include too (decision 0071). The few templates below are written
out here with the same output, byte for byte (tests/web/test_renderer.py renders every
kind against Django's templates); any other template, and a select whose options use
another template, still goes through the template engine, so a project or third-party
widget template keeps working unchanged.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData

# What ``{{ value }}`` does in the renderer's templates: autoescape on, the settings' l10n
# and time zone. Read only, so one instance serves every call.
_CONTEXT = Context(autoescape=True)
# False: a picker goes through ``components/picker.html`` as before decision 0098 (the tests
# render both)
PICKERS = True

WIDGETS = "django/forms/widgets/"
INPUT = WIDGETS + "input.html"
SELECT = WIDGETS + "select.html"
SELECT_OPTION = WIDGETS + "select_option.html"
TEXTAREA = WIDGETS + "textarea.html"
# ``steward.web.pickers.PickerInput``'s (decision 0098: the incident page's team and assignee)
PICKER = "components/picker.html"
# Every template of Django's that is ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = frozenset(
    WIDGETS + f"{kind}.html"
    for kind in (
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
)


def _out(value: object) -> str:
    """``{{ value }}``."""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value: object) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps a safe string safe, so only an
    unsafe one is escaped."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value,)  # noqa: UP031 - the filter's own %
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_out(name)}" if value is True else f' {_out(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    """``django/forms/widgets/input.html``."""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_out(widget["type"])}" name="{_out(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _select(widget: dict[str, Any]) -> str:
    """``django/forms/widgets/select.html`` with ``select_option.html`` for each option."""
    parts = [f'<select name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        parts.extend(
            f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
            f"{_out(option['label'])}</option>\n"
            for option in group_choices
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict[str, Any]) -> str:
    """``django/forms/widgets/textarea.html``."""
    value = widget["value"]
    return (
        f'<textarea name="{_out(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_out(value) if value else ''}</textarea>"
    )


def _picker(widget: dict[str, Any]) -> str:
    """``components/picker.html`` (stripped, as Django's renderer strips a template's output)."""
    name, text, listbox = _out(widget["name"]), _out(widget["text"]), _out(widget["listbox_id"])
    return (
        f'<span class="picker" data-picker><input type="text" name="{name}_label"'
        f' value="{text}"{_attrs(widget["attrs"])} role="combobox" aria-autocomplete="list"'
        f' aria-expanded="false" aria-controls="{listbox}" autocomplete="off"'
        f' hx-get="{_out(widget["url"])}" hx-trigger="input changed delay:200ms, focus"'
        f' hx-target="#{listbox}" hx-swap="innerHTML"'
        f""" hx-vals='{{"for": "{_out(widget["attrs"].get("id", ""))}"}}' hx-sync="this:replace">"""
        f'<input type="hidden" name="{name}" value="{_out(widget["key"])}" data-picker-key>'
        f'<input type="hidden" name="{name}_shown" value="{text}" data-picker-shown>'
        f'<ul role="listbox" id="{listbox}" class="picker-options" hidden></ul></span>'
    )


def _own_options(widget: dict[str, Any]) -> bool:
    """Whether every option uses Django's option template (a custom one goes to the engine)."""
    return all(
        option["template_name"] == SELECT_OPTION
        for _name, choices, _index in widget["optgroups"]
        for option in choices
    )


class WidgetRenderer(DjangoTemplates):
    """Django's default renderer, with inputs and selects built without a template."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name in INPUT_TEMPLATES or template_name == INPUT:
                return _input(widget)
            if template_name == SELECT and _own_options(widget):
                return _select(widget)
            if template_name == TEXTAREA:
                return _textarea(widget)
            if template_name == PICKER and PICKERS:
                return _picker(widget)
        return super().render(template_name, context, request=request)
