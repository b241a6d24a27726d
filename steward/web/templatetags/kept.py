"""``{% kept "name" value … %}…{% endkept %}``: a part of a page rendered once per process
and kept under its key (decision 0075).

The queue page draws the same filter bar, tabs and heading for every agent who looks at the
same queue with the same filters: a few hundred template nodes, the form's widgets and some
forty translations a request, for HTML that changes only with those inputs. A part wrapped
in this tag is rendered by its template the first time and kept under

- its name and the values given (everything the part shows that is not fixed: the filter
  form's values, errors and team choices; the chosen queue; the reader's role),
- the active language and time zone, the context's autoescaping, and the URL patterns and
  script prefix in force (a ``{% url %}`` inside is the same answer),

so nothing is ever invalidated: another value is another key (at most ``LIMIT`` kept, the
oldest dropped first). A value of ``None`` means "not keepable here": the part renders as
before (a caller that cannot name its inputs, such as a failed form, passes ``None``).

The contract is the caller's: a part may show nothing but what its key names. Never wrap a
``{% csrf_token %}`` (per request) or a record's changing values. ``KEEP = False`` renders
every part every time; tests compare the two.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from django import template
from django.forms import BaseForm
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.urls import get_resolver, get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

KEEP = True
LIMIT = 1024  # parts of every kept kind, in every language and filter a process sees

_kept: OrderedDict[tuple, SafeString] = OrderedDict()
_lock = Lock()


class KeptNode(template.Node):
    def __init__(self, name: FilterExpression, values: list[FilterExpression], body: NodeList):
        self.name, self.values, self.nodelist = name, values, body

    def render(self, context: template.Context) -> SafeString:
        if not KEEP:
            return self.nodelist.render(context)
        values = tuple(value.resolve(context, ignore_failures=True) for value in self.values)
        if any(value is None for value in values):
            return self.nodelist.render(context)
        key = (
            self.name.resolve(context),
            values,
            get_language(),
            timezone.get_current_timezone(),
            context.autoescape,
            get_resolver(get_urlconf()),
            get_script_prefix(),
        )
        html = _kept.get(key)
        if html is None:
            html = mark_safe(self.nodelist.render(context))  # noqa: S308 - the template's own escaping
            with _lock:
                _kept[key] = html
                while len(_kept) > LIMIT:
                    _kept.popitem(last=False)
        return html


@register.tag
def kept(parser: Parser, token: Token) -> KeptNode:
    """``{% kept "filter-bar" filters_key %}…{% endkept %}``"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} needs a name")
    body = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(
        parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]], body
    )


@register.filter
def fresh_form(form: Any) -> tuple | None:
    """``{% kept "name" form|fresh_form %}``: a fresh form's key (its class, prefix, ids and
    initial values), for a form whose fields are its class's own (no per-instance choices,
    labels or attributes); ``None`` for a bound form, which shows what was sent and its
    errors, and for anything not a form."""
    if not isinstance(form, BaseForm) or form.is_bound:
        return None
    initial = tuple(sorted((name, type(v).__name__, str(v)) for name, v in form.initial.items()))
    return (type(form), form.prefix, form.auto_id, initial)


@register.filter
def fixed_form(form: Any) -> tuple | None:
    """``{% kept "name" form|fixed_form %}``: ``fresh_form``'s key and, for each field, what
    an instance may set on it (decision 0089): its name, label, help text and widget
    attributes (the upload form's limit), and its widget's class. For fresh forms whose
    fields take no choices from the database or the actor; ``None`` as ``fresh_form``."""
    fresh = fresh_form(form)
    if fresh is None:
        return None
    fields = tuple(
        (
            name,
            str(field.label),
            str(field.help_text),
            type(field.widget),
            tuple(sorted((k, type(v), str(v)) for k, v in field.widget.attrs.items())),
        )
        for name, field in form.fields.items()
    )
    return (*fresh, fields)


def forget() -> None:
    """Drop every kept part (tests)."""
    with _lock:
        _kept.clear()
