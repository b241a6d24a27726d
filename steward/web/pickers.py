"""Pickers by name: a person, team or CI is chosen by typing part of its name and picking a
suggestion; the form still sends the key the services take (username, team slug, CI number).

``PickerInput(kind)`` is the widget (components/picker.html): a text box with
``role=combobox`` the person types in, a listbox of suggestions fetched by htmx from
``suggest`` (``/pick/<kind>/?q=…``), and a hidden input holding the picked key. steward.js
makes it keyboard-operable (arrows move ``aria-activedescendant``, Enter picks, Escape
closes). Every kind's suggestions come from a selector scoped by the actor, so a picker
never offers what the person may not see. Without JavaScript the box is a plain text field
and what is typed is sent as the key (a username, slug or number), as before.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.web.links import link


@dataclass(frozen=True)
class Suggestion:
    key: str  # what the form sends: username, slug, number
    label: str  # what the person reads and types
    detail: str = ""  # a second line: username, CI class
    picked: str = ""  # what the box reads once picked (``distinguished``); empty: the label


def person_detail(user: Any) -> str:
    """What tells a person apart from another of the same name: the username (what a form
    without JavaScript takes) and the email address."""
    return " · ".join(part for part in (user.username, user.email) if part)


def _person(user: Any) -> Suggestion:
    return Suggestion(user.username, user.get_full_name() or user.username, person_detail(user))


def distinguished(options: list[Suggestion]) -> list[Suggestion]:
    """Options sharing a label (two people named Anna Berg) read, once picked, with their
    detail ("Anna Berg (aberg · anna.berg@…)"), so the box and a chip still say which."""
    twice = {label for label, n in Counter(o.label for o in options).items() if n > 1}
    return [
        replace(o, picked=f"{o.label} ({o.detail})") if o.label in twice and o.detail else o
        for o in options
    ]


KINDS: dict[str, Callable[[Actor, str], list[Suggestion]]] = {
    "person": lambda actor, q: [_person(u) for u in core_selectors.user_suggest(actor, q=q)],
    "agent": lambda actor, q: [
        _person(u) for u in core_selectors.user_suggest(actor, q=q, agents_only=True)
    ],
    "team": lambda actor, q: [
        Suggestion(t.slug, t.name, t.slug) for t in core_selectors.team_suggest(actor, q=q)
    ],
    "organisation": lambda actor, q: [
        Suggestion(o.slug, o.name, o.slug) for o in core_selectors.organisation_suggest(actor, q=q)
    ],
}


# kinds named ``<family>-<argument>``, e.g. ``ci-server``: CIs of one class
FAMILIES: dict[str, Callable[[Actor, str, str], list[Suggestion]]] = {}


def register(kind: str, find: Callable[[Actor, str], list[Suggestion]]) -> None:
    """A domain app adds its kinds (the CMDB: ``ci``, ``service``) when it starts."""
    KINDS[kind] = find


def register_family(family: str, find: Callable[[Actor, str, str], list[Suggestion]]) -> None:
    """Kinds ``<family>-<argument>``; ``find(actor, q, argument)`` (the CMDB: ``ci-<class>``)."""
    FAMILIES[family] = find


def _finder(kind: str) -> Callable[[Actor, str], list[Suggestion]] | None:
    if kind in KINDS:
        return KINDS[kind]
    family, _, argument = kind.partition("-")
    find = FAMILIES.get(family)
    if find is None or not argument:
        return None
    return lambda actor, q: find(actor, q, argument)


class PickerInput(forms.Widget):
    """A combobox for one reference; ``label`` is what the current key reads as (the form
    sets it from the record, e.g. the team's name for its slug)."""

    template_name = "components/picker.html"

    def __init__(self, kind: str, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.label = ""
        self.typed: str | None = None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:
        """The picked key while the box still shows what was picked (``<name>_shown``, kept
        by steward.js); otherwise what was typed (no JavaScript: a key typed by hand, which
        the service checks); empty when the box was cleared."""
        key = (data.get(name) or "").strip()
        typed = data.get(f"{name}_label")
        if typed is None:  # a client that sends the key alone (tests, scripts)
            return key
        self.typed = typed
        if not typed.strip():
            return ""
        shown = data.get(f"{name}_shown")
        if key and (shown is None or typed.strip() == shown.strip()):
            return key
        return typed.strip()

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        key = "" if value is None else str(value)
        widget = context["widget"]
        widget["key"] = key
        widget["text"] = self.typed if self.typed is not None else (self.label or key)
        widget["url"] = link("web:pick", self.kind)
        widget["listbox_id"] = f"{widget['attrs'].get('id', name)}-listbox"
        return context


class MultiPickerInput(PickerInput):
    """A picker for several references (components/multi_picker.html): each pick becomes a
    chip holding a hidden ``<name>`` input with its key and a Remove button; the box adds
    more. Without JavaScript, keys typed in the box (separated by commas or spaces) count
    as picked, as the plain text field did before."""

    template_name = "components/multi_picker.html"

    def __init__(self, kind: str, attrs: dict | None = None) -> None:
        super().__init__(kind, attrs)
        self.labels: dict[str, str] = {}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        getlist = getattr(data, "getlist", lambda n: [data[n]] if n in data else [])
        keys = list(getlist(name))
        labels = getlist(f"{name}_chosen")
        self.labels = {**self.labels, **dict(zip(keys, labels, strict=False))}
        typed = data.get(f"{name}_label")
        self.typed = ""
        if typed:  # typed but not picked: sent as keys, the service names what it lacks
            keys.append(typed)
        return split_keys(keys)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, "", attrs)
        keys = split_keys([value] if isinstance(value, str) else list(value or []))
        context["widget"]["chosen"] = [(k, self.labels.get(k) or k) for k in keys]
        context["widget"]["text"] = ""
        return context


def split_keys(values: list[str]) -> list[str]:
    """Keys from picked values and typed text, once each, in the order given."""
    keys: list[str] = []
    for value in values:
        for key in str(value).replace(",", " ").split():
            if key not in keys:
                keys.append(key)
    return keys


class MultiPickerField(forms.Field):
    """Several references by name; the cleaned value is the list of keys."""

    widget = MultiPickerInput

    def __init__(self, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(widget=MultiPickerInput(kind), **kwargs)

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        return split_keys([value] if isinstance(value, str) else list(value))

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial) != self.to_python(data)


def picker_field(kind: str, **kwargs: Any) -> forms.CharField:
    """A text field of the form whose widget is a picker of ``kind``."""
    return forms.CharField(widget=PickerInput(kind), **kwargs)


def set_label(form: forms.Form, name: str, label: str) -> None:
    """What the field's current key reads as, for an unbound form showing a record."""
    widget = form.fields[name].widget
    if isinstance(widget, PickerInput):
        widget.label = label


def labels_for(actor: Actor, kind: str, keys: list[str]) -> dict[str, str]:
    """What each key of ``kind`` reads as, found the way the picker finds it (scoped to the
    actor; a query per key, for the few keys a configuration form holds); a key the actor
    may not see reads as itself."""
    find = KINDS[kind]
    labels = {}
    for key in keys[:20]:
        match = next((s for s in find(actor, key) if s.key == key), None)
        labels[key] = match.label if match else key
    return labels


def set_labels(form: forms.Form, name: str, labels: dict[str, str]) -> None:
    """What each chosen key of a multi-picker reads as (``{number: name}``)."""
    widget = form.fields[name].widget
    if isinstance(widget, MultiPickerInput):
        widget.labels = {**labels, **widget.labels}


@login_required
@require_GET
def suggest(request: HttpRequest, kind: str) -> HttpResponse:
    """Up to ten options for what was typed, as ``role=option`` items of the listbox."""
    find = _finder(kind)
    if find is None:
        return HttpResponse(status=404)
    # htmx sends the box's own value, named ``<field>_label``; ``q`` for anyone else
    q = request.GET.get("q") or next(
        (v for k, v in request.GET.items() if k.endswith("_label")), ""
    )
    prefix = request.GET.get("for", "pick")[:80]
    options = distinguished(find(request.actor, q[:100]) if q.strip() or kind == "team" else [])
    return render(
        request, "components/picker_options.html", {"options": options, "prefix": prefix, "q": q}
    )
