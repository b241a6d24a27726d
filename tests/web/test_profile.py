"""The profile page: edits go through the service (audited, version-checked); tokens shown once."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType

from steward.core import tokens
from steward.core.actor import Actor
from steward.core.choices import Channel
from steward.core.models import ApiToken, AuditEntry, User
from steward.core.services import token_create, user_update
from tests import factories
from tests.web.conftest import signed_in
from tests.web.html import elements

pytestmark = pytest.mark.django_db

PROFILE = "/profile/"
HTMX = {"HX-Request": "true"}
RAW_TOKEN = re.compile(re.escape(tokens.TOKEN_PREFIX) + r"[A-Za-z0-9_\-]{20,}")


def audit_for(obj) -> list[AuditEntry]:
    ct = ContentType.objects.get_for_model(obj)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))


def form_data(user: User, **changes) -> dict:
    """What the profile form posts back unchanged, plus ``changes``."""
    data = {
        "version": user.version,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "time_zone": user.time_zone,
        "language": user.language,
    }
    if user.email_notifications:
        data["email_notifications"] = "on"
    data.update(changes)
    return data


def test_profile_page_shows_the_form_with_current_values(agent_client, agent_user):
    response = agent_client.get(PROFILE)

    assert response.status_code == 200
    inputs = {e.attrs.get("name"): e.attrs for e in elements(response.content, "input")}
    assert inputs["first_name"]["value"] == agent_user.first_name
    assert inputs["version"]["value"] == str(agent_user.version)
    assert inputs["version"]["type"] == "hidden"


def test_profile_edit_saves_through_the_service_with_a_web_audit_entry(agent_client, agent_user):
    response = agent_client.post(
        PROFILE, form_data(agent_user, phone="+49 30 1234", time_zone="Europe/Berlin")
    )

    assert response.status_code == 303  # see other: a reload never re-POSTs
    assert response.url == PROFILE
    user = User.objects.get(pk=agent_user.pk)
    assert (user.phone, user.time_zone, user.version) == ("+49 30 1234", "Europe/Berlin", 2)
    [entry] = audit_for(user)
    assert entry.channel == Channel.WEB
    assert entry.actor_id == agent_user.pk
    assert entry.action == "update"
    assert entry.changes == {"phone": ["", "+49 30 1234"], "time_zone": ["", "Europe/Berlin"]}


def test_profile_edit_with_a_stale_version_shows_an_error_and_changes_nothing(
    agent_client, agent_user
):
    stale = form_data(agent_user, phone="+1 555 0100")
    # Meanwhile the same person changes their profile elsewhere (another tab, the API).
    user_update(
        Actor(user=agent_user, channel=Channel.API),
        username=agent_user.username,
        expected_version=agent_user.version,
        changes={"phone": "+44 20 7946"},
    )
    entries_before = AuditEntry.objects.count()

    response = agent_client.post(PROFILE, stale)

    assert (
        response.status_code == 422
    )  # htmx and the browser show the form again (web.forms.submit)
    [alert] = [e for e in elements(response.content) if e.attrs.get("role") == "alert"]
    assert "changed since you opened it" in alert.text
    assert elements(response.content, "a", href=PROFILE)  # a way to reload
    user = User.objects.get(pk=agent_user.pk)
    assert (user.phone, user.version) == ("+44 20 7946", 2)
    assert AuditEntry.objects.count() == entries_before


def test_profile_edit_with_an_invalid_value_shows_it_on_the_field(agent_client, agent_user):
    response = agent_client.post(PROFILE, form_data(agent_user, email="not an email"))

    assert response.status_code == 422
    assert b"Enter a valid email address." in response.content
    assert User.objects.get(pk=agent_user.pk).version == agent_user.version
    assert not audit_for(agent_user)


def test_new_token_is_shown_once_and_never_listed_again(agent_client, agent_user):
    response = agent_client.post(
        "/profile/tokens/", {"name": "laptop", "scopes": ["read"]}, headers=HTMX
    )

    assert response.status_code == 200
    assert b"<html" not in response.content
    [raw] = RAW_TOKEN.findall(response.content.decode())
    token = ApiToken.objects.get(user=agent_user, name="laptop")
    assert token.digest == tokens.digest(raw)
    assert token.scopes == ["read"]
    assert audit_for(token)[0].channel == Channel.WEB
    assert raw not in str(audit_for(token)[0].changes)

    page = agent_client.get(PROFILE).content.decode()
    assert "laptop" in page
    assert f"{token.prefix}…" in page
    assert raw not in page
    assert not RAW_TOKEN.search(page.replace(token.prefix, ""))


def test_token_with_an_expiry_lists_its_date(agent_client, agent_user):
    agent_client.post(
        "/profile/tokens/",
        {"name": "ci", "scopes": ["read", "write"], "expires_in_days": 30},
        headers=HTMX,
    )
    token = ApiToken.objects.get(user=agent_user, name="ci")
    assert token.expires_at is not None
    assert sorted(token.scopes) == ["read", "write"]


def test_token_form_errors_come_back_in_the_partial(agent_client, agent_user):
    response = agent_client.post("/profile/tokens/", {"name": "", "scopes": ["read"]}, headers=HTMX)

    assert response.status_code == 422
    assert b"<html" not in response.content
    assert b"This field is required." in response.content
    assert not ApiToken.objects.filter(user=agent_user).exists()


def test_requester_cannot_grant_a_token_admin_scope(requester_client, requester_user):
    response = requester_client.post(
        "/profile/tokens/", {"name": "sneaky", "scopes": ["admin"]}, headers=HTMX
    )

    assert response.status_code == 422
    assert b"admin scope needs the admin role" in response.content
    assert not ApiToken.objects.filter(user=requester_user).exists()


def test_revoking_a_token_marks_it_revoked(agent_client, agent_user):
    token, _ = token_create(Actor(user=agent_user), name="old", scopes=["read"])

    response = agent_client.post(f"/profile/tokens/{token.pk}/revoke/", headers=HTMX)

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"revoked" in response.content
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_someone_elses_token_cannot_be_revoked(agent_client):
    other = factories.agent(username="other")
    token, _ = token_create(Actor(user=other), name="theirs", scopes=["read"])

    response = agent_client.post(f"/profile/tokens/{token.pk}/revoke/", headers=HTMX)

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert signed_in(other).get(PROFILE).status_code == 200


def test_token_created_without_htmx_is_shown_once_on_the_whole_page(agent_client, agent_user):
    response = agent_client.post("/profile/tokens/", {"name": "laptop", "scopes": ["read"]})

    assert response.status_code == 200
    assert b"<html" in response.content
    [raw] = RAW_TOKEN.findall(response.content.decode())
    assert ApiToken.objects.get(user=agent_user, name="laptop").digest == tokens.digest(raw)


def test_token_form_error_without_htmx_keeps_the_profile_form(agent_client, agent_user):
    response = agent_client.post("/profile/tokens/", {"name": "", "scopes": ["read"]})

    assert response.status_code == 422
    inputs = {e.attrs.get("name"): e.attrs for e in elements(response.content, "input")}
    assert inputs["version"]["value"] == str(agent_user.version)
    assert b"This field is required." in response.content


def test_token_revoked_without_htmx_goes_back_to_the_profile(agent_client, agent_user):
    token, _ = token_create(Actor(user=agent_user), name="old", scopes=["read"])

    response = agent_client.post(f"/profile/tokens/{token.pk}/revoke/")

    assert response.status_code == 303
    assert response["Location"] == PROFILE
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
