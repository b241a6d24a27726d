"""Attachments: sniffed, safely named, size-limited, always downloads, scoped by parent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from steward.core.models import Attachment, AuditEntry
from steward.core.services import team_create
from tests import factories
from tests.conftest import api_client_for, as_actor

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def team(admin_actor, agent_user):
    return team_create(
        admin_actor, name="Network", members=[agent_user.username], lead=agent_user.username
    )


def upload(client, name, content, target="team/network", content_type="text/plain"):
    return client.post(
        "/api/v1/attachments",
        {"target": target, "file": SimpleUploadedFile(name, content, content_type)},
        content_type=MULTIPART_CONTENT,
    )


def test_html_upload_is_served_as_a_download_never_rendered(agent_api, team):
    response = upload(
        agent_api,
        "invoice.html",
        b"<html><script>alert(1)</script></html>",
        content_type="text/html",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    download = agent_api.get(body["download_url"])

    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content).startswith(b"<html>")


def test_path_traversal_filename_is_neutralised(agent_api, team, settings):
    response = upload(agent_api, "../../../etc/passwd", b"root:x:0:0")
    assert response.status_code == 201
    attachment = Attachment.objects.get()
    assert attachment.filename == "passwd"
    assert ".." not in attachment.file.name
    stored = settings.MEDIA_ROOT / attachment.file.name
    assert stored.resolve().is_relative_to(settings.MEDIA_ROOT.resolve())
    assert "passwd" not in attachment.file.name


def test_windows_path_and_control_characters_are_stripped(agent_api, team):
    upload(agent_api, "C:\\Users\\x\\re port\x00<b>.txt", b"hello")
    assert Attachment.objects.get().filename == "re port_b_.txt"


def test_media_type_is_sniffed_from_content_not_the_claim(agent_api, team):
    body = upload(agent_api, "cat.txt", PNG, content_type="text/html").json()
    assert body["media_type"] == "image/png"


def test_oversize_upload_is_413_and_writes_nothing(agent_api, team, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    response = upload(agent_api, "big.bin", b"x" * 1500)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not Attachment.objects.exists()


def test_upload_is_audited(agent_api, team):
    upload(agent_api, "notes.txt", b"hello")
    entry = AuditEntry.objects.filter(action="create", content_type__model="attachment").get()
    assert entry.changes["filename"] == [None, "notes.txt"]
    assert entry.channel == "api"


def test_attachment_of_an_invisible_record_is_404_like_a_missing_one(team, agent_api):
    upload(agent_api, "secret.txt", b"secret")
    attachment = Attachment.objects.get()
    org = factories.OrganisationFactory()
    outsider = factories.agent(organisation=org)
    outsider.served_organisations.set([org])
    team.organisation = factories.OrganisationFactory()
    team.save()
    client = api_client_for(outsider)
    hidden = client.get(f"/api/v1/attachments/{attachment.id}/download")
    missing = client.get("/api/v1/attachments/00000000-0000-0000-0000-000000000000/download")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_upload_to_an_invisible_record_is_404(team, requester_api):
    response = upload(requester_api, "x.txt", b"x")
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_bad_target_names_the_field(agent_api, team):
    response = upload(agent_api, "x.txt", b"x", target="nonsense")
    assert response.status_code == 422
    assert "target" in response.json()["error"]["fields"]


def test_empty_file_is_refused(agent_api, team):
    response = upload(agent_api, "x.txt", b"")
    assert response.status_code == 422


def test_requester_attaches_to_own_profile(requester_user):
    client = api_client_for(requester_user)
    response = upload(client, "id.txt", b"mine", target=f"user/{requester_user.username}")
    assert response.status_code == 201
    assert as_actor(requester_user).is_agent is False


def test_a_team_member_who_is_not_the_lead_may_not_attach_to_the_team(admin_actor, team):
    member = factories.agent(username="agent2")
    team.members.add(member)
    response = upload(api_client_for(member), "x.txt", b"x")
    assert response.status_code == 403, response.content
    assert "target" in response.json()["error"]["fields"]
    assert not Attachment.objects.exists()


def test_the_team_lead_and_an_administrator_attach_to_the_team(agent_api, admin_api, team):
    assert upload(agent_api, "lead.txt", b"x").status_code == 201
    assert upload(admin_api, "admin.txt", b"x").status_code == 201


def test_an_agent_may_not_attach_to_another_users_profile(agent_api, requester_user):
    response = upload(agent_api, "x.txt", b"x", target=f"user/{requester_user.username}")
    assert response.status_code == 403, response.content
    assert not Attachment.objects.exists()


def test_an_administrator_attaches_to_any_users_profile(admin_api, requester_user):
    response = upload(admin_api, "x.txt", b"x", target=f"user/{requester_user.username}")
    assert response.status_code == 201, response.content
