"""Attachments on the record pages: several files at once through the API's own service,
listed with size and type, downloaded; only for people who may see the record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.changes.services import change_create
from steward.core.models import Attachment, AuditEntry
from steward.incidents.services import incident_create
from steward.problems.services import problem_create
from tests import factories
from tests.conftest import as_actor
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def files(*pairs: tuple[str, bytes]) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(name, content, "text/html") for name, content in pairs]


@pytest.fixture
def caller():
    return factories.requester(username="carol")


@pytest.fixture
def incident(caller):
    return incident_create(as_actor(caller), title="Printer jams")


def test_agent_uploads_two_files_sees_them_listed_and_downloads_one(agent_user, incident):
    client = signed_in(agent_user)
    url = f"/attachments/incident/{incident.number}/"

    response = client.post(url, {"files": files(("log.txt", b"line 1\n"), ("shot.png", PNG))})

    assert response.status_code == 303  # Post/Redirect/Get
    assert response["Location"] == f"/incidents/{incident.number}/#attachments"
    page = client.get(f"/incidents/{incident.number}/").content.decode()
    rows = re.findall(
        r"<tr><td><a href=\"(/attachments/[0-9a-f-]+/)\" download>([^<]+)</a>"
        r"</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>",
        page,
    )
    assert [(name, size, kind) for _, name, size, kind in rows] == [
        ("log.txt", "7\xa0bytes", "text/plain"),
        ("shot.png", "67\xa0bytes", "image/png"),  # sniffed: the client's claim is ignored
    ]
    download = client.get(rows[1][0])
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="shot.png"'
    assert download["Content-Type"] == "application/octet-stream"
    assert b"".join(download.streaming_content) == PNG
    audited = AuditEntry.objects.filter(action="create", object_repr__in=["log.txt", "shot.png"])
    assert audited.count() == 2


def test_a_refused_file_is_named_on_the_field_and_nothing_is_stored(agent_user, incident, settings):
    client = signed_in(agent_user)

    response = client.post(
        f"/attachments/incident/{incident.number}/",
        {"files": files(("ok.txt", b"fine"), ("empty.txt", b""))},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert re.search(r'<div class="field invalid">.*?empty.txt: is empty', page, re.S)
    assert not Attachment.objects.exists()  # all or none
    # ok.txt had been written before empty.txt was refused: its file is gone too
    assert [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_too_large_is_refused_with_the_api_limit(agent_user, incident, settings):
    settings.MAX_UPLOAD_BYTES = 10
    client = signed_in(agent_user)

    response = client.post(
        f"/attachments/incident/{incident.number}/",
        {"files": files(("big.txt", b"x" * 11))},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="attachments"' in page
    assert "<html" not in page  # the card alone, for htmx
    assert "big.txt: too large" in page
    assert not Attachment.objects.exists()


def test_no_file_chosen_says_so_on_the_field(agent_user, incident):
    response = signed_in(agent_user).post(f"/attachments/incident/{incident.number}/", {})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_requester_attaches_on_her_own_incident_but_not_on_anothers(caller, incident):
    other = incident_create(as_actor(factories.requester(username="dave")), title="Mouse")
    client = signed_in(caller)

    mine = client.post(
        f"/attachments/incident/{incident.number}/", {"files": files(("a.txt", b"a"))}
    )
    theirs = client.post(
        f"/attachments/incident/{other.number}/", {"files": files(("b.txt", b"b"))}
    )

    assert mine.status_code == 303
    assert theirs.status_code == 404  # invisible looks like absent
    assert [a.filename for a in Attachment.objects.all()] == ["a.txt"]
    assert "a.txt" in client.get(f"/incidents/{incident.number}/").content.decode()


def test_org_limited_agent_can_neither_list_nor_download_nor_upload(agent_user):
    acme, globex = factories.OrganisationFactory(), factories.OrganisationFactory()
    limited = factories.agent(username="limited")
    limited.served_organisations.set([acme])
    outsider = factories.requester(username="gus", organisation=globex)
    incident = incident_create(as_actor(outsider), title="Globex VPN")
    signed_in(agent_user).post(
        f"/attachments/incident/{incident.number}/", {"files": files(("secret.txt", b"s"))}
    )
    attachment = Attachment.objects.get()
    client = signed_in(limited)

    assert client.get(f"/attachments/incident/{incident.number}/").status_code == 404
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404
    refused = client.post(
        f"/attachments/incident/{incident.number}/", {"files": files(("x.txt", b"x"))}
    )
    assert refused.status_code == 404
    assert Attachment.objects.count() == 1


def test_unknown_kind_and_a_kind_without_pages_are_404(agent_user):
    client = signed_in(agent_user)
    assert client.get("/attachments/rocket/R1/").status_code == 404
    assert client.get(f"/attachments/user/{agent_user.username}/").status_code == 404


def test_problem_and_change_pages_take_files_too(agent_user):
    actor = as_actor(agent_user)
    problem = problem_create(actor, title="Printers jam weekly")
    change = change_create(actor, title="Replace printer firmware")
    client = signed_in(agent_user)

    for kind, number, page in [
        ("problem", problem.number, f"/problems/{problem.number}/"),
        ("change", change.number, f"/changes/{change.number}/"),
    ]:
        response = client.post(
            f"/attachments/{kind}/{number}/", {"files": files((f"{kind}.txt", b"notes"))}
        )
        assert response.status_code == 303
        assert response["Location"] == f"{page}#attachments"
        assert f"{kind}.txt" in client.get(page).content.decode()
