"""The attachment question: files handed in with an order (web upload or API id reference)
go through the one attachment path, are validated (required, conditional, limits), are
stored on the request, and are visible to its requester and fulfillers only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import MULTIPART_CONTENT

from steward.catalog.models import Request
from steward.core.models import Attachment, AuditEntry
from tests import factories
from tests.conftest import api_client_for
from tests.query_counts import grows

FORM = [
    {"key": "kind", "label": "Kind", "type": "choice", "choices": ["Plain", "Signed"]},
    {
        "key": "contract",
        "label": "Signed contract",
        "type": "attachment",
        "required": True,
        "show_if": {"field": "kind", "equals": "Signed"},
    },
    {"key": "extra", "label": "Anything else", "type": "attachment"},
]


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name="contract.pdf", body=b"%PDF-1.4 signed"):
    return SimpleUploadedFile(name, body, "application/pdf")


@pytest.fixture
def item(make_item):
    return make_item(slug="contract", form=FORM, stages=[])


def test_required_when_shown_and_ignored_when_hidden(requester, item):
    rita = web(requester.user)
    missing = rita.post("/catalog/items/contract/", {"kind": "Signed"})
    assert missing.status_code == 422
    assert missing.context["form"].errors["contract"] == ["required"]
    hidden = rita.post("/catalog/items/contract/", {"kind": "Plain", "contract": pdf()})
    assert hidden.status_code == 303
    request = Request.objects.get()
    assert "contract" not in request.answers  # not asked, so not kept
    assert not Attachment.objects.exists()


def test_web_upload_is_stored_on_the_request_and_linked(requester, item, fulfiller, desk):
    rita = web(requester.user)
    response = rita.post(
        "/catalog/items/contract/",
        {"kind": "Signed", "contract": [pdf(), pdf("scan.png", b"\x89PNG\r\n\x1a\n....")]},
    )
    assert response.status_code == 303
    request = Request.objects.get()
    files = request.answers["contract"]
    assert [f["filename"] for f in files] == ["contract.pdf", "scan.png"]
    stored = Attachment.objects.get(pk=files[0]["id"])
    assert stored.object_id == str(request.pk)
    assert stored.media_type == "application/pdf"  # sniffed, as for every attachment
    assert AuditEntry.objects.filter(object_id=str(stored.pk)).exists()
    page = rita.get(response["Location"]).content.decode()
    assert f"/attachments/{stored.pk}/" in page
    assert rita.get(f"/attachments/{stored.pk}/").status_code == 200
    task = request.tasks.order_by("position").first()
    fred = web(fulfiller.user)
    assert (
        f"/attachments/{stored.pk}/" in fred.get(f"/catalog/tasks/{task.number}/").content.decode()
    )
    assert fred.get(f"/attachments/{stored.pk}/").status_code == 200
    other = factories.requester(username="olga", organisation=requester.user.organisation)
    assert web(other).get(f"/attachments/{stored.pk}/").status_code == 404


def test_refused_file_refuses_the_order_naming_the_question(requester, item, settings):
    settings.MAX_UPLOAD_BYTES = 10
    rita = web(requester.user)
    response = rita.post("/catalog/items/contract/", {"kind": "Signed", "contract": pdf()})
    assert response.status_code == 422
    assert response.context["form"].errors["contract"] == ["contract.pdf: too large"]
    assert not Request.objects.exists()
    assert not Attachment.objects.exists()


def test_too_many_files(requester, item):
    rita = web(requester.user)
    files = [pdf(f"f{i}.pdf") for i in range(11)]
    response = rita.post("/catalog/items/contract/", {"kind": "Plain", "extra": files})
    assert response.status_code == 422
    assert response.context["form"].errors["extra"] == ["at most 10 files"]


def _stage(client, user, name="contract.pdf"):
    response = client.post(
        "/api/v1/attachments",
        {"target": f"user/{user.username}", "file": pdf(name)},
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_api_references_an_upload_of_ones_own(requester, item):
    api = api_client_for(requester.user)
    staged = _stage(api, requester.user)
    created = api.post(
        "/api/v1/requests",
        {"item": "contract", "answers": {"kind": "Signed", "contract": [staged]}},
    )
    assert created.status_code == 201, created.content
    assert created.json()["answers"]["contract"] == [
        {"id": staged, "filename": "contract.pdf", "size": 15}
    ]
    number = created.json()["number"]
    listed = api.get(f"/api/v1/requests/{number}/attachments").json()["items"]
    assert [a["id"] for a in listed] == [staged]
    assert api.get(f"/api/v1/users/{requester.user.username}").status_code == 200


def test_api_refuses_someone_elses_upload_and_bad_ids(requester, item, fulfiller):
    fred_api = api_client_for(fulfiller.user)
    theirs = _stage(fred_api, fulfiller.user)
    api = api_client_for(requester.user)
    for value, message in (
        ([theirs], "no such file of yours: upload it to your profile first"),
        (["not-an-id"], "attachment ids (uploaded files)"),
        ([7], "files, or the ids of files you uploaded"),
    ):
        response = api.post(
            "/api/v1/requests",
            {"item": "contract", "answers": {"kind": "Signed", "contract": value}},
        )
        assert response.status_code == 422, response.content
        assert response.json()["error"]["fields"] == {"answers.contract": [message]}
    assert not Request.objects.exists()
    assert Attachment.objects.get(pk=theirs).object_id == str(fulfiller.user.pk)


def test_request_page_queries_do_not_grow_with_files(requester, item):
    rita = web(requester.user)
    count = iter(range(1, 20))

    def order_with_files():
        n = next(count)
        rita.post(
            "/catalog/items/contract/",
            {"kind": "Plain", "extra": [pdf(f"f{i}.pdf") for i in range(n)]},
        )

    def latest_page():
        number = Request.objects.latest("id").number
        return rita.get(f"/catalog/requests/{number}/")

    few, many = grows(order_with_files, latest_page)
    assert few == many
