"""JSON ``true`` and ``false`` are no numbers: a number field of a request body refuses
them with a 422 naming the field (Pydantic's lax mode read them as 1 and 0, so
``"impact": true`` filed an incident of the highest impact). One rule on the base of every
input schema (steward/api/http.py ``In``); query parameters, which arrive as text, keep
their numbers."""

from decimal import Decimal

import pytest
from django.utils import translation
from pydantic import ValidationError

from steward.api.http import In
from steward.core.models import AuditEntry
from steward.incidents.models import Incident

pytestmark = pytest.mark.django_db


def _refused(response, field):
    assert response.status_code == 422, response.content
    assert response.json()["error"]["fields"] == {field: ["a number, not true or false"]}


@pytest.mark.parametrize("field", ["impact", "urgency"])
@pytest.mark.parametrize("value", [True, False])
def test_an_incident_create_refuses_a_boolean_impact_or_urgency(admin_api, field, value):
    before = (Incident.objects.count(), AuditEntry.objects.count())
    _refused(admin_api.post("/api/v1/incidents", {"title": "Printer", field: value}), field)
    assert (Incident.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("field", ["impact", "urgency"])
def test_an_incident_patch_refuses_a_boolean_impact_or_urgency(admin_api, field):
    made = admin_api.post("/api/v1/incidents", {"title": "Printer", "impact": 3, "urgency": 3})
    number = made.json()["number"]
    _refused(admin_api.patch(f"/api/v1/incidents/{number}", {field: True}), field)
    incident = Incident.objects.get(number=number)
    assert (incident.impact, incident.urgency, incident.version) == (3, 3, 1)


def test_a_nested_list_of_cells_names_the_cell(admin_api):
    cells = [{"impact": 1, "urgency": True, "priority": 1}]
    response = admin_api.patch("/api/v1/incident-priority-matrix", {"cells": cells})
    _refused(response, "cells.0.urgency")


def test_numbers_and_booleans_where_they_belong_still_pass(admin_api):
    made = admin_api.post("/api/v1/incidents", {"title": "Printer", "impact": 1, "urgency": 2})
    assert made.status_code == 201, made.content
    assert (made.json()["impact"], made.json()["urgency"]) == (1, 2)
    team = admin_api.post("/api/v1/teams", {"name": "Desk"})
    assert team.status_code == 201, team.content
    off = admin_api.patch("/api/v1/teams/desk", {"is_active": False})
    assert off.status_code == 200, off.content
    assert off.json()["is_active"] is False
    listed = admin_api.get("/api/v1/incidents?limit=1")
    assert listed.status_code == 200, listed.content
    assert len(listed.json()["items"]) == 1


class _Probe(In):
    count: int | None = None
    cost: Decimal | None = None
    ratio: float = 0.5
    numbers: list[int] = []
    flag: bool | None = None
    either: int | bool | None = None


@pytest.mark.parametrize(
    ("field", "value"),
    [("count", True), ("cost", False), ("ratio", True), ("numbers", [1, True])],
)
def test_every_number_kind_refuses_a_boolean(field, value):
    with pytest.raises(ValidationError) as exc:
        _Probe.model_validate({field: value})
    assert [e["loc"][0] for e in exc.value.errors()] == [field]


def test_booleans_stay_where_a_boolean_is_admitted_and_text_numbers_are_read():
    probe = _Probe.model_validate({"flag": True, "either": False, "count": "3", "numbers": ["2"]})
    assert (probe.flag, probe.either, probe.count, probe.numbers) == (True, False, 3, [2])


def test_the_message_is_in_the_readers_language():
    with translation.override("de"), pytest.raises(ValidationError) as exc:
        _Probe.model_validate({"count": True})
    assert exc.value.errors()[0]["msg"] == "eine Zahl, nicht true oder false"
