"""Words a page looks up on every request, kept per process (decision 0117).

The incident page's history shows its "Created" entry's two dozen fields, each by its label
and, for a choice, its value's label; its facts show five choices' labels. Django's
``get_FOO_display`` builds the field's choices as a dict on every call (``flatchoices``
normalised again), and each label went through ``gettext`` (the active language's look-up,
then each catalogue's). What they give is decided by the model class and the language alone:

- ``choices(field)``: a field's choices as ``{value: label}``, built once per field; the
  labels stay lazy, so each call still says them in the active language. A field whose
  choices are a callable (read each time by Django) is not kept.
- ``display(instance, name)``: ``instance.get_<name>_display()`` from it.
- ``word(key, make)``: ``make()``, kept under the active language and ``key`` (a field's
  label, a page's word), so another language is another entry.

Nothing is invalidated: a model's fields and choices are its class's, and the catalogues are
read once per process; a test that changes the languages or locale paths (Django reloads
its catalogues then) empties them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.core.signals import setting_changed
from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

# False: every look-up made afresh (Django's own ``get_FOO_display``, ``gettext`` each
# time), the reference the tests compare with
KEEP = True
MAX_WORDS = 8_192  # past this the words start again (languages × fields × words)

_choices: dict[models.Field, dict[Any, Any]] = {}
_words: dict[tuple[str | None, Hashable], str] = {}


def choices(field: models.Field) -> dict[Any, Any]:
    """``dict(make_hashable(field.flatchoices))``, as ``get_FOO_display`` builds it."""
    found = _choices.get(field) if KEEP else None
    if found is None:
        found = dict(make_hashable(field.flatchoices))
        if KEEP and isinstance(field.choices, (list, tuple)):  # not a callable's
            _choices[field] = found
    return found


def display(instance: models.Model, name: str) -> Any:
    """``instance.get_<name>_display()``: the value's label in the active language, else the
    value (as Django gives it: ``force_str`` of strings only)."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    return force_str(choices(field).get(make_hashable(value), value), strings_only=True)


def word(key: Hashable, make: Callable[[], str]) -> str:
    """``make()`` (words in the active language), kept per language and ``key``."""
    if not KEEP:
        return make()
    at = (get_language(), key)
    found = _words.get(at)
    if found is None:
        if len(_words) >= MAX_WORDS:
            _words.clear()
        found = _words[at] = make()
    return found


def forget(**_: Any) -> None:
    _choices.clear()
    _words.clear()


def _changed(*, setting: str, **_: Any) -> None:
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"):
        forget()


setting_changed.connect(_changed, dispatch_uid="steward.core.labels")
