"""Titles and names are one line: a line break or other control character is a 422 naming
the field, on create and on edit, and nothing is written."""

import pytest

from steward.core.filters import NUL_MESSAGE
from steward.core.models import AuditEntry
from steward.core.services import team_create

pytestmark = pytest.mark.django_db

BAD = ["first\r\nBcc: x@example.com", "tab\there", "nul\x00", "esc\x1b[31m", "sep\u2028x"]

CREATES = [
    ("/api/v1/incidents", "title", {}),
    ("/api/v1/problems", "title", {}),
    ("/api/v1/changes", "title", {}),
    ("/api/v1/teams", "name", {}),
    ("/api/v1/cis", "name", {"ci_class": "server"}),
    ("/api/v1/ci-classes", "name", {"slug": "router"}),
    ("/api/v1/relationship-types", "name", {"slug": "feeds", "inverse_name": "fed by"}),
    ("/api/v1/relationship-types", "inverse_name", {"slug": "feeds", "name": "feeds"}),
]


def _refused(response, field, value=""):
    assert response.status_code == 422, response.content
    # a NUL is refused before the schema reads the body (steward/web/nul_characters.py)
    message = NUL_MESSAGE if "\x00" in value else "must be a single line without control characters"
    assert response.json()["error"]["fields"] == {field: [message]}


@pytest.mark.parametrize("value", BAD)
@pytest.mark.parametrize(("path", "field", "rest"), CREATES)
def test_create_refuses_control_characters(admin_api, path, field, rest, value):
    before = AuditEntry.objects.count()
    _refused(admin_api.post(path, {field: value, **rest}), field, value)
    assert AuditEntry.objects.count() == before


def test_edits_refuse_control_characters(admin_api, admin_actor):
    incident = admin_api.post("/api/v1/incidents", {"title": "Printer down"}).json()
    team_create(admin_actor, name="Desk")
    _refused(admin_api.patch(f"/api/v1/incidents/{incident['number']}", {"title": "a\nb"}), "title")
    _refused(admin_api.patch("/api/v1/teams/desk", {"name": "a\rb"}), "name")
    _refused(admin_api.patch("/api/v1/ci-classes/server", {"name": "a\nb"}), "name")
    assert admin_api.get(f"/api/v1/incidents/{incident['number']}").json()["title"] == (
        "Printer down"
    )


def test_ordinary_text_in_any_script_is_accepted(admin_api):
    title = "Drucker im 2. OG — ausgefallen · 打印机 (ü) «x»"
    response = admin_api.post("/api/v1/incidents", {"title": title})
    assert response.status_code == 201, response.content
    assert response.json()["title"] == title


def test_the_openapi_document_states_the_rule(admin_api):
    schemas = admin_api.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["IncidentCreateIn"]["properties"]["title"]["pattern"].startswith("^[^\\x00")
    assert "pattern" in schemas["TeamCreateIn"]["properties"]["name"]
