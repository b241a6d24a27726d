"""The attachment question: files handed in with an order (web upload or API id reference)
go through the one attachment path, are validated (required, conditional, limits), are
stored on the request, and are visible to its requester and fulfillers only."""

from __future__ import annotations

import json

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
    assert response.context["form"].errors["extra"] == ["at most 10 files at once"]


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


@pytest.mark.parametrize(
    "spell",
    [
        lambda i: [i.replace("-", "")],
        lambda i: [i.upper()],
        lambda i: [i, i.replace("-", "").upper()],
    ],
    ids=["without-dashes", "upper-case", "the-same-file-twice"],
)
def test_api_reads_an_upload_id_in_any_spelling_once(requester, item, spell):
    """A dashless id passed the check and found the file, then missed it by its dashed name
    (a KeyError, a 500); a file named twice was moved twice and listed twice."""
    api = api_client_for(requester.user)
    staged = _stage(api, requester.user)
    created = api.post(
        "/api/v1/requests",
        {"item": "contract", "answers": {"kind": "Signed", "contract": spell(staged)}},
    )
    assert created.status_code == 201, created.content
    assert created.json()["answers"]["contract"] == [
        {"id": staged, "filename": "contract.pdf", "size": 15}
    ]
    moved = AuditEntry.objects.filter(object_id=staged, action="update")
    assert moved.count() == 1


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


# --- the order over the API as multipart/form-data, files in the same request -----------


def _stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _order_multipart(api, answers, **parts):
    body = {"item": "contract", "answers": json.dumps(answers), **parts}
    return api.post("/api/v1/requests", body, content_type=MULTIPART_CONTENT)


def test_api_multipart_order_stores_the_files_on_the_request(requester, item, settings):
    api = api_client_for(requester.user)
    staged = _stage(api, requester.user, "earlier.pdf")
    response = _order_multipart(
        api,
        {"kind": "Signed", "extra": [staged]},
        **{
            "answers.contract": [pdf(), pdf("scan.png", b"\x89PNG\r\n\x1a\n....")],
            "answers.extra": pdf("later.pdf"),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [f["filename"] for f in body["answers"]["contract"]] == ["contract.pdf", "scan.png"]
    assert [f["filename"] for f in body["answers"]["extra"]] == ["earlier.pdf", "later.pdf"]
    request = Request.objects.get(number=body["number"])
    on_request = Attachment.objects.filter(object_id=str(request.pk))
    assert sorted(a.filename for a in on_request) == [
        "contract.pdf",
        "earlier.pdf",
        "later.pdf",
        "scan.png",
    ]
    scan = on_request.get(filename="scan.png")
    assert scan.media_type == "image/png"  # sniffed, as for every attachment
    assert AuditEntry.objects.filter(object_id=str(scan.pk), action="create").exists()
    assert len(_stored_files(settings)) == 4
    # the JSON path and this one answer alike: a GET shows what the order answered
    assert api.get(f"/api/v1/requests/{body['number']}").json()["answers"] == body["answers"]


@pytest.mark.parametrize(
    ("answers", "parts", "fields"),
    [
        pytest.param(
            {"kind": "Signed"}, {}, {"answers.contract": ["required"]}, id="missing-required-file"
        ),
        pytest.param(
            {"kind": "Plain"},
            {"answers.extra": [pdf(f"f{i}.pdf") for i in range(11)]},
            {"answers.extra": ["at most 10 files at once"]},
            id="too-many-files",
        ),
        pytest.param(
            {"kind": "Plain"},
            {"answers.nope": pdf()},
            {"answers.nope": ["no such field on this form"]},
            id="unknown-question",
        ),
        pytest.param(
            {"kind": "Plain"},
            {"answers.kind": pdf()},
            {"answers.kind": ["a text"]},
            id="file-for-a-choice-question",
        ),
        pytest.param(
            {"kind": "Plain"},
            {"attachment": pdf()},
            {"attachment": ["unknown file part: name files answers.<question key>"]},
            id="file-part-outside-answers",
        ),
        pytest.param(
            "{not json",
            {"answers.extra": pdf()},
            {"answers": ["not valid JSON: a JSON object of field key → answer"]},
            id="malformed-answers-json",
        ),
        pytest.param(
            ["Signed"],
            {},
            {"answers": ["a JSON object of field key → answer"]},
            id="answers-not-an-object",
        ),
        pytest.param(
            {"kind": "Plain"},
            {"colour": "blue"},
            {"colour": ["unknown field"]},
            id="unknown-form-field",
        ),
    ],
)
def test_api_multipart_bad_input_names_the_field_and_writes_nothing(
    requester, item, settings, answers, parts, fields
):
    api = api_client_for(requester.user)
    raw = answers if isinstance(answers, str) else json.dumps(answers)
    body = {"item": "contract", "answers": raw, **parts}
    # the files written before the refusal (a good file, then too many) go as well
    if "answers.extra" in parts and isinstance(parts["answers.extra"], list):
        body["answers.contract"] = pdf()
        body["answers"] = json.dumps({"kind": "Signed"})
    response = api.post("/api/v1/requests", body, content_type=MULTIPART_CONTENT)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["fields"] == fields
    assert not Request.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == []


def test_api_multipart_oversize_file_refuses_the_order_after_others_were_stored(
    requester, item, settings
):
    settings.MAX_UPLOAD_BYTES = 20
    api = api_client_for(requester.user)
    audited = AuditEntry.objects.count()
    response = _order_multipart(
        api,
        {"kind": "Signed"},
        **{"answers.contract": pdf(), "answers.extra": pdf("big.pdf", b"%PDF-" + b"x" * 40)},
    )
    assert response.status_code == 413, response.content
    assert response.json()["error"]["fields"] == {"answers.extra": ["big.pdf: too large"]}
    # contract.pdf was written first; its row rolled back and its file is gone too
    assert not Request.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == []
    assert AuditEntry.objects.count() == audited


def test_api_multipart_failure_after_the_files_were_written_removes_them(
    requester, item, settings, monkeypatch
):
    """Anything that rolls the order back after its files were written (here creating the
    tasks fails) takes the files with it, not only a refused file."""
    from steward.catalog.services import requests as ordering

    def broken(*args, **kwargs):
        raise RuntimeError("tasks down")

    monkeypatch.setattr(ordering, "start_fulfilment", broken)
    api = api_client_for(requester.user)
    api.raise_request_exception = False
    response = _order_multipart(api, {"kind": "Signed"}, **{"answers.contract": pdf()})
    assert response.status_code == 500
    assert not Request.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == []


def test_api_json_order_still_refuses_malformed_json(requester, item):
    api = api_client_for(requester.user)
    broken = api.post("/api/v1/requests", b"--x--", content_type="multipart/form-data")
    assert broken.status_code == 400
    assert list(broken.json()["error"]["fields"]) == ["body"]
    response = api.post("/api/v1/requests", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    unknown = api.post("/api/v1/requests", {"item": "contract", "colour": "blue"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"] == {"colour": ["unknown field"]}


def test_openapi_documents_both_bodies(client):
    operation = client.get("/api/openapi.json").json()["paths"]["/api/v1/requests"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    assert content["multipart/form-data"]["schema"]["required"] == ["item"]
    assert content["application/json"]["schema"]["required"] == ["item"]


def test_api_multipart_retry_with_a_different_file_of_the_same_name_is_not_a_replay(
    requester, item
):
    api = api_client_for(requester.user)
    key = {"HTTP_IDEMPOTENCY_KEY": "order-with-file"}
    body = {"item": "contract", "answers": json.dumps({"kind": "Signed"})}

    def order(content: bytes):
        parts = {**body, "answers.contract": pdf(body=content)}
        return api.post("/api/v1/requests", parts, content_type=MULTIPART_CONTENT, **key)

    first = order(b"%PDF-1.4 first")
    assert first.status_code == 201, first.content
    replay = order(b"%PDF-1.4 first")
    assert replay.status_code == 201
    assert replay.json()["number"] == first.json()["number"]
    other = order(b"%PDF-1.4 another contract")
    assert other.status_code == 422
    error = other.json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert error["fields"] == {"Idempotency-Key": ["already used with another body"]}
    assert Request.objects.count() == 1
