"""A fresh form's fixed fields rendered once per process (``{% form_field field %}``).

The incident page renders a select, a text box or a checkbox through
``components/field.html`` and the form renderer about a dozen times; a quarter of the
page's time (cProfile) was these widgets (decision 0071), and most look the same on every
page: the "Work it" panel's impact, urgency, major, on-hold reason and resolution code differ
only by the value chosen, the comment box and the upload box not at all. A form names such
fields in ``FIXED``: fields whose HTML is decided by the form's class (its renderer, prefix
and ids), the language, the label, the help text, the widget's attributes and the value
alone (choices written in the class, not read from the database). Their HTML is kept under
exactly those, so nothing needs invalidating: another value, language, label or limit is
another key. A bound form (a failed one shows what was sent and its errors) and every other
field render as before.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from django.forms import BoundField
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

FIELD = "components/field.html"
# False: every field rendered through the template each time, nothing kept (the page as
# before decision 0071); tests render the page both ways and compare (decision 0072)
KEEP = True
# False: a fresh form's other fields rendered whole through the template (before decision
# 0089); with it, their wrapping is kept and only their widget rendered
SHELL = True
# enough for every fixed field of every form in each language and value, with room to spare
LIMIT = 2048

_kept: OrderedDict[tuple, SafeString] = OrderedDict()
_lock = Lock()


def _frozen(value: Any) -> Any:
    """A hashable stand-in of a value or attribute; its type is kept (1 and "1" differ)."""
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(_frozen(v) for v in value))
    return (type(value), str(value))


def _key(field: BoundField) -> tuple:
    form = field.form
    attrs = tuple(sorted((k, _frozen(v)) for k, v in field.field.widget.attrs.items()))
    return (
        type(form),
        type(form.renderer),
        form.prefix,
        form.auto_id,
        field.name,
        get_language(),
        str(field.label),
        str(field.help_text),
        attrs,
        _frozen(field.value()),
    )


class _Hole:
    """A fresh field with a mark in place of its widget: the field's wrapping (label, help,
    no errors) rendered once, its widget's HTML put in the mark's place per page."""

    def __init__(self, field: BoundField) -> None:
        self._field = field

    def __getattr__(self, name: str) -> Any:
        return getattr(self._field, name)

    def __str__(self) -> str:
        return MARK

    def __html__(self) -> str:
        return MARK


MARK = "\x00widget\x00"  # never in a template's text, nor in escaped values (decision 0089)


def _wrapped(field: BoundField) -> SafeString:
    """``field.html`` of a fresh form's field whose widget shows the record's own value (the
    team and assignee pickers, the resolution notes): the wrapping kept under the field's key
    without its value, the widget rendered each time (decision 0089)."""
    if field.widget_type in ("checkbox", "checkboxselectmultiple", "radioselect"):
        return mark_safe(get_template(FIELD).render({"field": field}))  # noqa: S308 - as below
    key = ("wrapping", *_key(field)[:-1], type(field.field.widget))
    parts = _kept.get(key)
    if parts is None:
        html = get_template(FIELD).render({"field": _Hole(field)})
        if html.count(MARK) != 1:  # the widget shown more than once, or not: as before
            return mark_safe(get_template(FIELD).render({"field": field}))  # noqa: S308
        parts = tuple(html.split(MARK))
        with _lock:
            _kept[key] = parts  # type: ignore[assignment]
            while len(_kept) > LIMIT:
                _kept.popitem(last=False)
    return mark_safe(parts[0] + str(field) + parts[1])  # noqa: S308 - the template's and widget's own escaping


def render(field: BoundField) -> SafeString:
    """``{% include "components/field.html" %}`` of ``field``; the same HTML, kept for a
    fresh form's ``FIXED`` fields; for its other fields, all but the widget (``SHELL``)."""
    form = field.form
    if not KEEP or form.is_bound:
        return mark_safe(get_template(FIELD).render({"field": field}))  # noqa: S308 - the template's own escaping
    if field.name not in getattr(form, "FIXED", ()):
        if SHELL:
            return _wrapped(field)
        return mark_safe(get_template(FIELD).render({"field": field}))  # noqa: S308 - as above
    key = _key(field)
    html = _kept.get(key)
    if html is None:
        html = mark_safe(get_template(FIELD).render({"field": field}))  # noqa: S308 - as above
        with _lock:
            _kept[key] = html
            while len(_kept) > LIMIT:
                _kept.popitem(last=False)
    return html
