"""``null`` where a field has no "empty" value, and blank references, are a 422 naming the
field: never a 500, nothing written (docs/security.md)."""

import pytest

from steward.core.models import AuditEntry, Team, User
from tests import factories
from tests.api.test_bad_input import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(admin_api):
    factories.agent(username="ada")
    made = {
        "/api/v1/teams": admin_api.post("/api/v1/teams", {"name": "Network"}),
        "/api/v1/incidents": admin_api.post("/api/v1/incidents", {"title": "Printer on fire"}),
        "/api/v1/change-templates": admin_api.post(
            "/api/v1/change-templates", {"name": "Restart a web node"}
        ),
        "/api/v1/freeze-windows": admin_api.post(
            "/api/v1/freeze-windows",
            {
                "name": "Year end",
                "starts_at": "2030-12-20T00:00:00Z",
                "ends_at": "2031-01-02T00:00:00Z",
            },
        ),
    }
    for path, response in made.items():
        assert response.status_code == 201, (path, response.content)
    return {
        "users": "/api/v1/users/ada",
        "teams": "/api/v1/teams/network",
        "incidents": f"/api/v1/incidents/{made['/api/v1/incidents'].json()['number']}",
        "change-templates": "/api/v1/change-templates/restart-a-web-node",
        "freeze-windows": "/api/v1/freeze-windows/year-end",
    }


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ("users", "phone"),
        ("users", "email_notifications"),
        ("users", "roles"),
        ("users", "is_active"),
        ("incidents", "description"),
        ("teams", "is_active"),
        ("teams", "description"),
        ("change-templates", "is_active"),
        ("freeze-windows", "is_active"),
    ],
)
def test_null_for_a_field_without_an_empty_value_is_422_naming_it(
    admin_api, records, record, field
):
    before = AuditEntry.objects.count()

    response = admin_api.patch(records[record], {field: None})

    error = assert_error(response, 422, "validation_error")
    assert field in error["fields"]
    assert AuditEntry.objects.count() == before


def test_null_clears_a_reference_that_may_be_empty(admin_api, records):
    admin_api.patch("/api/v1/teams/network", {"lead": "ada"})

    response = admin_api.patch("/api/v1/teams/network", {"lead": None})

    assert response.status_code == 200, response.content
    assert response.json()["lead"] is None


@pytest.mark.parametrize("members", [[""], ["  "], [None]], ids=["empty", "blank", "null"])
def test_a_blank_member_on_team_create_is_422_naming_members(admin_api, members):
    response = admin_api.post("/api/v1/teams", {"name": "Network", "members": members})

    fields = assert_error(response, 422, "validation_error")["fields"]
    assert [f for f in fields if f.split(".")[0] == "members"], fields
    assert not Team.objects.exists()


def test_null_roles_on_user_create_is_422(admin_api):
    response = admin_api.post("/api/v1/users", {"username": "bob", "roles": None})
    assert "roles" in assert_error(response, 422, "validation_error")["fields"]
    assert not User.objects.filter(username="bob").exists()
