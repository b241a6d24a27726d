"""A NUL character in any query parameter or path is a 4xx naming it, never a 500.

PostgreSQL refuses to compare text with a NUL (a ``DataError``), so every filter whose value
reached a query unchecked (``?team=``, ``?assignee=``, a picker's ``?q=``, the change form's
``?template=``…) was a server error there; SQLite answered. Checked on every API list's
every query parameter, as the published document lists them, and on the web pages that
read a parameter of their own."""

from __future__ import annotations

import pytest

from steward.core.filters import NUL_MESSAGE
from tests.contract.openapi import operations

pytestmark = pytest.mark.django_db

NUL = "a\x00b"

# Web pages each reading a query parameter straight into a query (each was a 500 on PostgreSQL)
WEB = [
    ("/administration/users/", "team"),
    ("/changes/", "team"),
    ("/changes/calendar/", "team"),
    ("/changes/new/", "template"),
    ("/knowledge/", "category"),
    ("/knowledge/", "owner"),
    ("/knowledge/stats/", "owner"),
    ("/mailboxes/messages/", "q"),
    ("/pick/agent/", "q"),
    ("/pick/ci/", "q"),
    ("/pick/category/", "q"),
    ("/pick/asset-model/", "q"),
]


def _list_parameters() -> list[tuple[str, str]]:
    return [
        (op.path, name)
        for op in operations()
        if op.method == "get" and not op.path_params
        for name in op.query_params
    ]


def test_every_api_query_parameter_refuses_nul(admin_api):
    found = _list_parameters()
    assert len(found) > 100  # a floor: the walk cannot pass by finding nothing
    wrong = []
    for path, name in found:
        response = admin_api.get(path, {name: NUL})
        body = response.json() if response.status_code < 500 else {}
        fields = body.get("error", {}).get("fields", {})
        if response.status_code != 422 or fields.get(name) != [NUL_MESSAGE]:
            wrong.append(f"{path}?{name}= → {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_a_repeated_parameter_is_refused_if_any_value_holds_nul(admin_api):
    response = admin_api.get("/api/v1/incidents?status=new&status=a%00")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"status": [NUL_MESSAGE]}


@pytest.mark.parametrize(("path", "name"), WEB, ids=[f"{p}?{n}" for p, n in WEB])
def test_web_pages_refuse_nul_naming_the_parameter(admin_client, path, name):
    response = admin_client.get(path, {name: NUL})
    assert response.status_code == 422
    text = response.content.decode()
    assert f"<strong>{name}</strong>" in text
    assert NUL_MESSAGE in text
    assert response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path", ["/api/v1/incidents/INC%00", "/api/v1/teams/a%00b", "/incidents/INC%00/"]
)
def test_nul_in_a_path_is_not_found(admin_api, admin_client, path):
    client = admin_api if path.startswith("/api/") else admin_client
    assert client.get(path).status_code == 404


# JSON bodies each of which was a 500 on PostgreSQL: the NUL reached an INSERT or a look-up
BODIES = [
    (
        "/api/v1/incidents",
        {"title": "t", "description": NUL, "impact": 3, "urgency": 3},
        "description",
    ),
    ("/api/v1/incidents", {"title": "t", "impact": 3, "urgency": 3, "category": NUL}, "category"),
    ("/api/v1/incidents", {"title": "t", "impact": 3, "urgency": 3, "team": NUL}, "team"),
    ("/api/v1/incidents", {"title": "t", "impact": 3, "urgency": 3, "caller": NUL}, "caller"),
    ("/api/v1/changes", {"title": "t", "cis": ["ok", NUL]}, "cis.1"),
    ("/api/v1/changes", {"title": "t", "template": NUL}, "template"),
    ("/api/v1/problems", {"title": "t", "organisation": NUL}, "organisation"),
    ("/api/v1/teams", {"name": "t", "members": [NUL]}, "members.0"),
    ("/api/v1/teams", {"name": "t", "lead": NUL}, "lead"),
    ("/api/v1/users", {"username": "u1", "organisation": NUL}, "organisation"),
    ("/api/v1/requests", {"item": NUL, "answers": {}}, "item"),
    ("/api/v1/relationships", {"source": "a", "target": "b", "type": NUL}, "type"),
    ("/api/v1/requests", {"item": "x", "answers": {"q": {"deep": [NUL]}}}, "answers.q.deep.0"),
]


@pytest.mark.parametrize(("path", "body", "name"), BODIES, ids=[n for _, _, n in BODIES])
def test_a_json_body_holding_nul_is_422_naming_the_field(admin_api, path, body, name):
    from steward.core.models import AuditEntry

    before = AuditEntry.objects.count()
    response = admin_api.post(path, body)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["error"]["fields"] == {name: [NUL_MESSAGE]}
    assert AuditEntry.objects.count() == before


def test_an_escaped_backslash_before_u0000_is_not_a_nul(admin_api):
    """``"\\\\u0000"`` is a backslash and the text u0000: the schema answers, not the door."""
    response = admin_api.post("/api/v1/teams", '{"name": "x\\\\u0000y"}')
    assert response.status_code == 201, response.content[:300]


def test_a_web_form_field_holding_nul_is_a_422_naming_it(admin_client):
    from steward.core.models import Team

    response = admin_client.post("/teams/new/", {"name": "ok", "members": ["a\x00"]})
    assert response.status_code == 422
    assert "<strong>members</strong>" in response.content.decode()
    assert not Team.objects.exists()


def test_a_body_holding_nul_nested_deeper_than_json_goes_is_the_apis_400(admin_api):
    """The door parses a body holding ``\\u0000`` itself: nested deeper than ``json.loads``
    goes, that was a ``RecursionError``, a 500, before the API's own 400."""
    deep = "[" * 100_000 + "]" * 100_000
    response = admin_api.post("/api/v1/teams", '{"name": "\\u0000", "x": ' + deep + "}")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["error"]["code"] == "malformed_json"


# A lone surrogate as JSON writes it: ``\ud800`` with no partner (UTF-8 cannot hold one)
SURROGATES = [
    ("/api/v1/problems", '{"title": "P \\ud800"}', "title"),  # was a 500 (UnicodeEncodeError)
    ("/api/v1/incidents", '{"title": "t", "impact": 3, "description": "x \\uDFFF"}', "description"),
    ("/api/v1/changes", '{"title": "t", "cis": ["ok", "\\udc00"]}', "cis.1"),
    ("/api/v1/requests", '{"item": "x", "answers": {"q\\ud800": 1}}', "answers.q\ufffd"),
]


@pytest.mark.parametrize(("path", "body", "name"), SURROGATES, ids=[n for _, _, n in SURROGATES])
def test_a_json_body_holding_a_lone_surrogate_is_422_naming_the_field(admin_api, path, body, name):
    from steward.core.models import AuditEntry
    from steward.web.nul_characters import SURROGATE_MESSAGE

    before = AuditEntry.objects.count()
    response = admin_api.post(path, body)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["error"]["fields"] == {name: [SURROGATE_MESSAGE]}
    assert AuditEntry.objects.count() == before


def test_a_surrogate_pair_is_one_character_not_refused(admin_api):
    """``\\ud83d\\ude00`` is one emoji written as a pair: stored, not refused."""
    response = admin_api.post("/api/v1/teams", '{"name": "Desk \\ud83d\\ude00"}')
    assert response.status_code == 201, response.content[:300]
    assert response.json()["name"] == "Desk \U0001f600"


# ninja reads an operation's body as JSON whatever its content type: the door checked only
# bodies sent as application/json, so the same NUL under another type, or in a UTF-16 body
# (json.loads reads UTF-16 and UTF-32 too), reached the insert: a 500 on PostgreSQL, the NUL
# stored on SQLite
OTHER_TYPES = [
    ("text/plain", "utf-8"),
    ("application/x-www-form-urlencoded", "utf-8"),
    ("application/octet-stream", "utf-8"),
    ("application/json", "utf-16"),
    ("text/plain", "utf-32"),
]


@pytest.mark.parametrize(("content_type", "encoding"), OTHER_TYPES, ids=lambda v: v)
@pytest.mark.parametrize(("escape", "message"), [("\\u0000", "nul"), ("\\ud800", "surrogate")])
def test_a_json_body_under_another_type_or_encoding_is_checked_too(
    admin_api, content_type, encoding, escape, message
):
    from steward.core.models import AuditEntry
    from steward.web.nul_characters import SURROGATE_MESSAGE

    text = '{"title": "t", "impact": 3, "urgency": 3, "description": "a' + escape + 'b"}'
    body = text.encode(encoding)
    before = AuditEntry.objects.count()
    response = admin_api.post("/api/v1/incidents", body, content_type=content_type)
    assert response.status_code == 422, response.content[:300]
    wanted = NUL_MESSAGE if message == "nul" else SURROGATE_MESSAGE
    assert response.json()["error"]["fields"] == {"description": [wanted]}
    assert AuditEntry.objects.count() == before


def test_a_clean_json_body_under_another_type_or_encoding_is_answered_as_before(admin_api):
    for content_type, encoding in OTHER_TYPES:
        body = '{"title": "t", "description": "fine"}'.encode(encoding)
        response = admin_api.post("/api/v1/incidents", body, content_type=content_type)
        assert response.status_code == 201, (content_type, encoding, response.content[:300])
