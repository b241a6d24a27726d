"""The bulk path: all rows or none, every row's errors reported, audited, searchable."""

import pytest

from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry
from steward.incidents.bulk import incidents_import
from steward.incidents.models import Incident
from steward.incidents.selectors import incident_list

pytestmark = pytest.mark.django_db


def rows(n, **extra):
    return [
        {"title": f"Imported {i}", "caller": "req1", "impact": 1 + i % 3, "urgency": 2, **extra}
        for i in range(n)
    ]


def test_import_numbers_prioritises_and_audits(admin_actor, requester_user, desk):
    made = incidents_import(
        admin_actor,
        rows(
            5,
            team="desk",
            status="resolved",
            resolution_code="solved",
            opened_at="2026-06-01T09:00:00Z",
        ),
    )
    assert [i.number for i in made] == [f"INC000000{n}" for n in range(1, 6)]
    stored = Incident.objects.order_by("number")
    assert [i.priority for i in stored] == [2, 3, 4, 2, 3]
    assert {i.status for i in stored} == {"resolved"}
    assert all(i.resolved_at is not None for i in stored)
    assert stored[0].opened_at.isoformat() == "2026-06-01T09:00:00+00:00"
    assert AuditEntry.objects.filter(content_type__model="incident", action="create").count() == 5


def test_one_bad_row_writes_nothing_and_names_every_problem(admin_actor, requester_user):
    batch = rows(4)
    batch[1]["caller"] = "ghost"
    batch[3]["impact"] = 7
    batch[3]["colour"] = "red"
    with pytest.raises(ValidationFailed) as err:
        incidents_import(admin_actor, batch)
    assert set(err.value.fields) == {"rows[2].caller", "rows[4].impact", "rows[4].colour"}
    assert not Incident.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="incident").exists()


def test_only_admins_import(agent_actor, requester_user):
    with pytest.raises(PermissionDenied):
        incidents_import(agent_actor, rows(1))


def test_imported_incidents_are_searchable(
    admin_actor, requester_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incidents_import(admin_actor, [{"title": "Quarterly zzyzx report fails", "caller": "req1"}])
    assert [i.title for i in incident_list(admin_actor, q="zzyzx").items] == [
        "Quarterly zzyzx report fails"
    ]
