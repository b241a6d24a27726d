"""Titles and names are one line on the web too: every web form's title or name field is the
API's rule (``steward.core.text``), so a line break or other control character is a 422 on
the form, the message beside the field, and nothing is written."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import steward
from steward.core.forms import SingleLineField
from steward.core.models import AuditEntry, Team
from steward.core.text import SINGLE_LINE_MESSAGE
from steward.incidents.models import Incident
from tests.web.conftest import signed_in

BAD = ["first\r\nBcc: x@example.com", "line\nbreak", "tab\there", "esc\x1b[31m", "sep\u2028x"]
ONE_LINE_FIELDS = {"title", "name"}
LEVELS = {"impact": "3", "urgency": "3"}  # the incident form's other required fields


def _web_forms() -> list[type[forms.Form]]:
    """Every form class in a ``forms`` module or package of a steward app."""
    found = set()
    for app in pkgutil.iter_modules(steward.__path__):
        try:
            module = importlib.import_module(f"steward.{app.name}.forms")
        except ModuleNotFoundError:
            continue
        modules = [module]
        if hasattr(module, "__path__"):
            modules += [
                importlib.import_module(f"{module.__name__}.{sub.name}")
                for sub in pkgutil.iter_modules(module.__path__)
            ]
        for mod in modules:
            for _, cls in inspect.getmembers(mod, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__.startswith("steward."):
                    found.add(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


WITH_ONE_LINE = [
    (cls, name)
    for cls in _web_forms()
    for name, field in cls.base_fields.items()
    if name in ONE_LINE_FIELDS and isinstance(field, forms.CharField)
]


def test_the_forms_are_found():
    names = {f"{cls.__name__}.{field}" for cls, field in WITH_ONE_LINE}
    # a floor, so the test cannot pass by finding nothing
    assert {
        "IncidentForm.title",
        "ProblemForm.title",
        "ChangeForm.title",
        "TeamForm.name",
        "CIForm.name",
        "CIClassForm.name",
        "CalendarForm.name",
        "PolicyForm.name",
        "FreezeForm.name",
        "TokenForm.name",
        "SavedViewForm.name",
    } <= names


@pytest.mark.parametrize(
    ("form_class", "field"),
    WITH_ONE_LINE,
    ids=[f"{cls.__name__}.{field}" for cls, field in WITH_ONE_LINE],
)
@pytest.mark.parametrize("value", BAD, ids=["crlf", "lf", "tab", "esc", "u2028"])
def test_every_title_and_name_field_refuses_control_characters(db, form_class, field, value):
    assert isinstance(form_class.base_fields[field], SingleLineField)
    form = form_class(data={field: value})

    assert not form.is_valid()
    assert SINGLE_LINE_MESSAGE in form.errors[field]


@pytest.mark.parametrize(
    ("form_class", "field"),
    WITH_ONE_LINE,
    ids=[f"{cls.__name__}.{field}" for cls, field in WITH_ONE_LINE],
)
def test_ordinary_text_in_any_script_passes_the_rule(db, form_class, field):
    form = form_class(data={field: "Drucker im 2. OG — 打印机 «x»"})
    form.is_valid()
    assert field not in form.errors


def test_a_new_incident_with_a_line_break_in_its_title_is_refused(admin_user):
    client = signed_in(admin_user)
    before = AuditEntry.objects.count()

    response = client.post("/incidents/new/", {"title": "Printer\r\nBcc: x@example.com", **LEVELS})

    assert response.status_code == 422
    assert SINGLE_LINE_MESSAGE in response.content.decode()
    assert not Incident.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_new_team_with_a_line_break_in_its_name_is_refused(admin_user):
    client = signed_in(admin_user)

    response = client.post("/teams/new/", {"name": "Desk\nBcc: x@example.com"})

    assert response.status_code == 422
    assert SINGLE_LINE_MESSAGE in response.content.decode()
    assert not Team.objects.exists()


def test_an_incident_title_without_control_characters_is_saved(admin_user):
    client = signed_in(admin_user)

    response = client.post("/incidents/new/", {"title": "Drucker — 打印机", **LEVELS})

    assert response.status_code == 303, response.content[:500]
    assert Incident.objects.get().title == "Drucker — 打印机"
