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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from steward.core import selectors as core_selectors
from steward.core.actor import Actor


@dataclass(frozen=True)
class Suggestion:
    key: str  # what the form sends: username, slug, number
    label: str  # what the person reads and types
    detail: str = ""  # a second line: username, CI class


def _person(user: Any) -> Suggestion:
    return Suggestion(user.username, user.get_full_name() or user.username, user.username)


KINDS: dict[str, Callable[[Actor, str], list[Suggestion]]] = {
    "person": lambda actor, q: [_person(u) for u in core_selectors.user_suggest(actor, q=q)],
    "agent": lambda actor, q: [
        _person(u) for u in core_selectors.user_suggest(actor, q=q, agents_only=True)
    ],
    "team": lambda actor, q: [
        Suggestion(t.slug, t.name, t.slug) for t in core_selectors.team_suggest(actor, q=q)
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
        widget["url"] = reverse("web:pick", args=[self.kind])
        widget["listbox_id"] = f"{widget['attrs'].get('id', name)}-listbox"
        return context


def picker_field(kind: str, **kwargs: Any) -> forms.CharField:
    """A text field of the form whose widget is a picker of ``kind``."""
    return forms.CharField(widget=PickerInput(kind), **kwargs)


def set_label(form: forms.Form, name: str, label: str) -> None:
    """What the field's current key reads as, for an unbound form showing a record."""
    widget = form.fields[name].widget
    if isinstance(widget, PickerInput):
        widget.label = label


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
    options = find(request.actor, q[:100]) if q.strip() or kind == "team" else []
    return render(
        request, "components/picker_options.html", {"options": options, "prefix": prefix, "q": q}
    )
