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


def render(field: BoundField) -> SafeString:
    """``{% include "components/field.html" %}`` of ``field``; the same HTML, kept for a
    fresh form's ``FIXED`` fields."""
    form = field.form
    if not KEEP or form.is_bound or field.name not in getattr(form, "FIXED", ()):
        return mark_safe(get_template(FIELD).render({"field": field}))  # noqa: S308 - the template's own escaping
    key = _key(field)
    html = _kept.get(key)
    if html is None:
        html = mark_safe(get_template(FIELD).render({"field": field}))  # noqa: S308 - as above
        with _lock:
            _kept[key] = html
            while len(_kept) > LIMIT:
                _kept.popitem(last=False)
    return html
