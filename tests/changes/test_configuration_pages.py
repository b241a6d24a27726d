"""The administrator's change configuration pages (standard-change templates, approval
delegations) through Django's test client: saved through the services, a refused value
beside its field with 422, everyone else refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.changes import services
from steward.changes.models import ChangeTemplate, Delegation
from steward.core.models import AuditEntry, OutboxMessage
from tests import factories
from tests.conftest import as_actor
from tests.core.test_user_pages import errors_beside
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def admin_web(admin_user):
    return signed_in(admin_user)


@pytest.fixture
def delegation(admin_user):
    cm = factories.agent(username="cm")
    factories.agent(username="deputy")
    return services.delegation_create(
        as_actor(admin_user), user="cm", delegate="deputy", starts_on=TODAY, ends_on=TODAY
    ), cm


@pytest.mark.parametrize(
    "path",
    [
        "/changes/templates/",
        "/changes/templates/new/",
        "/changes/delegations/",
        "/changes/delegations/new/",
    ],
)
@pytest.mark.parametrize("role", ["agent", "change_manager", "requester"])
def test_only_administrators_reach_the_pages(path, role):
    user = factories.UserFactory(roles=[role] if role != "agent" else ["agent"])
    response = signed_in(user).get(path)
    assert response.status_code == 403
    assert b"Only administrators may" in response.content


def test_a_template_is_added_then_deactivated(admin_web):
    added = admin_web.post(
        "/changes/templates/new/",
        {"name": "Restart a web node", "implementation_plan": "Drain, restart, undrain.",
         "is_active": "on"},
    )  # fmt: skip
    template = ChangeTemplate.objects.get()
    edit = admin_web.get(f"/changes/templates/{template.slug}/")
    edited = admin_web.post(
        f"/changes/templates/{template.slug}/",
        {"version": template.version, "name": "Restart a web node",
         "implementation_plan": "Drain, restart, undrain."},  # Active unticked
    )  # fmt: skip

    assert (added.status_code, edit.status_code, edited.status_code) == (303, 200, 303)
    template.refresh_from_db()
    assert not template.is_active
    assert template.version == 2
    entry = AuditEntry.objects.get(object_id=str(template.pk), action="update")
    assert entry.changes == {"is_active": [True, False]}
    listing = admin_web.get("/changes/templates/").content.decode()
    assert "Template “Restart a web node” saved." in listing
    assert "Inactive" in listing


def test_a_template_without_a_name_is_refused_beside_the_field(admin_web):
    response = admin_web.post("/changes/templates/new/", {"name": ""})
    assert response.status_code == 422
    assert errors_beside(response.content, "name") == ["This field is required."]
    assert not ChangeTemplate.objects.exists()


def test_a_stale_template_edit_offers_a_reload(admin_web, admin_user):
    template = services.template_create(as_actor(admin_user), name="T")
    response = admin_web.post(f"/changes/templates/{template.slug}/", {"version": 0, "name": "T2"})
    assert response.status_code == 422
    assert b"Reload" in response.content
    assert ChangeTemplate.objects.get().name == "T"


def test_a_delegation_is_added_for_someone_else(admin_web):
    factories.agent(username="cm")
    factories.agent(username="deputy")
    response = admin_web.post(
        "/changes/delegations/new/",
        {"user": "cm", "delegate": "deputy", "starts_on": TODAY, "ends_on": TODAY},
    )
    assert response.status_code == 303
    made = Delegation.objects.get()
    assert (made.user.username, made.delegate.username) == ("cm", "deputy")
    assert "deputy" in admin_web.get("/changes/delegations/").content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"user": "cm", "delegate": "alice"}, "delegate", "is not an agent"),
        ({"user": "cm", "delegate": "cm"}, "delegate", "cannot delegate to oneself"),
        ({"user": "nobody", "delegate": "deputy"}, "user", "no user 'nobody'"),
        ({"user": "cm", "delegate": "deputy", "ends_on": TODAY - dt.timedelta(days=2)},
         "ends_on", "must not be before starts_on"),
    ],
    ids=["requester", "self", "unknown", "backwards"],
)  # fmt: skip
def test_a_refused_delegation_is_named_beside_its_field(admin_web, data, field, message):
    factories.agent(username="cm")
    factories.agent(username="deputy")
    factories.requester(username="alice")
    response = admin_web.post(
        "/changes/delegations/new/", {"starts_on": TODAY, "ends_on": TODAY, **data}
    )
    assert response.status_code == 422
    assert errors_beside(response.content, field) == [message]
    assert not Delegation.objects.exists()


def test_a_delegation_is_edited_then_ended(admin_web, delegation):
    made, cm = delegation
    factories.agent(username="other")
    later = TODAY + dt.timedelta(days=7)

    edited = admin_web.post(
        f"/changes/delegations/{made.pk}/",
        {"delegate": "other", "starts_on": TODAY, "ends_on": later},
    )
    made.refresh_from_db()
    ended = admin_web.post(f"/changes/delegations/{made.pk}/end/")

    assert edited.status_code == 303
    assert (made.delegate.username, made.ends_on) == ("other", later)
    entry = AuditEntry.objects.get(object_id=str(made.pk), action="update")
    assert entry.changes["delegate"] == ["deputy", "other"]
    assert OutboxMessage.objects.filter(topic="change.delegation_updated").exists()
    assert ended.status_code == 303
    assert not Delegation.objects.exists()
    page = admin_web.get("/changes/delegations/").content.decode()
    assert "decides their approvals again" in page


def test_an_agent_cannot_end_or_edit_someone_elses_delegation(delegation):
    made, _ = delegation
    agent = signed_in(factories.agent())
    assert agent.post(f"/changes/delegations/{made.pk}/end/").status_code == 403
    assert (
        agent.post(
            f"/changes/delegations/{made.pk}/",
            {"delegate": "deputy", "starts_on": TODAY, "ends_on": TODAY},
        ).status_code
        == 403
    )
    assert Delegation.objects.filter(pk=made.pk).exists()


def test_an_unknown_delegation_is_the_404_page(admin_web):
    assert admin_web.get("/changes/delegations/999/").status_code == 404
    assert admin_web.post("/changes/delegations/999/end/").status_code == 404
