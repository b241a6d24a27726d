"""The survey API: agents read surveys scoped like their records; the requester answers by
the link's token without signing in, and bad input is a 4xx naming the field, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from steward.core.errors import ValidationFailed
from steward.surveys import services
from steward.surveys.models import Survey
from tests import factories
from tests.conftest import api_client_for
from tests.contract.conftest import limited_agent
from tests.surveys.conftest import resolve, settle

pytestmark = pytest.mark.django_db
ANSWERS = "/api/v1/surveys/answers"


@pytest.fixture
def survey(agent_actor, incident):
    resolve(agent_actor, incident.number)
    settle()
    return Survey.objects.get()


@pytest.fixture
def token(survey):
    return services.survey_link_token(survey)


def test_the_requester_answers_by_token_without_signing_in(anon_api, survey, token):
    response = anon_api.post(ANSWERS, {"token": token, "rating": 4, "comment": "Danke"})
    assert response.status_code == 200, response.content
    assert response.json()["rating"] == 4
    again = anon_api.post(ANSWERS, {"token": token, "rating": 2})
    assert again.json()["rating"] == 2
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (2, "")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"rating": 0}, ["rating"]),
        ({"rating": 6}, ["rating"]),
        ({"rating": "five"}, ["rating"]),
        ({"rating": None}, ["rating"]),
        ({}, ["rating"]),
        ({"rating": 3, "comment": "x" * 2001}, ["comment"]),
        ({"rating": 3, "comment": "nul\x00byte"}, ["comment"]),
        ({"rating": 3, "comment": None}, ["comment"]),
        ({"rating": 3, "extra": 1}, ["extra"]),
    ],
    ids=["zero", "six", "text", "null", "missing", "long", "nul", "null-comment", "unknown"],
)
def test_bad_input_is_a_422_naming_the_field(anon_api, survey, token, body, fields):
    response = anon_api.post(ANSWERS, {"token": token, **body})
    assert response.status_code == 422, response.content
    assert sorted(response.json()["error"]["fields"]) == fields
    assert Survey.objects.get().rating is None


def test_true_is_no_rating(anon_api, survey, token):
    """A bool is an int in Python, and pydantic read ``true`` as 1."""
    response = anon_api.post(ANSWERS, {"token": token, "rating": True})

    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["rating"]
    assert Survey.objects.get().rating is None


@pytest.mark.parametrize(
    "rating", ["²", "٣", "1" * 5000], ids=["superscript-two", "arabic-indic-three", "5000-digits"]
)
def test_digits_int_cannot_read_are_a_4xx_naming_rating_on_every_path(
    anon_api, survey, token, rating
):
    """``str.isdigit`` says yes to "²", "٣" and 5,000 digits; ``int`` fails on the first and
    the last (a 500) and reads the second as 3. The API and the page refuse them before the
    service; the service, which every write path calls, refuses them too."""
    with pytest.raises(ValidationFailed) as refused:
        services.survey_answer_by_link(
            token, rating=rating, comment="", address="192.0.2.7", channel="api"
        )
    assert list(refused.value.fields) == ["rating"]

    response = anon_api.post(ANSWERS, {"token": token, "rating": rating})
    assert response.status_code == 422, response.content
    assert list(response.json()["error"]["fields"]) == ["rating"]
    page = Client().post(f"/surveys/rate/{token}/", {"rating": rating})
    assert page.status_code == 422
    assert Survey.objects.get().rating is None


@pytest.mark.parametrize("bad", ["", "x" * 1001, "forged", None], ids=str)
def test_a_missing_or_forged_token_is_a_4xx(anon_api, survey, token, bad):
    response = anon_api.post(
        ANSWERS, {"token": bad if bad != "forged" else token + "x", "rating": 5}
    )
    assert response.status_code in (404, 422), response.content
    if bad == "forged":
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert Survey.objects.get().rating is None


def test_a_closed_survey_is_a_409(anon_api, survey, token):
    Survey.objects.update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    response = anon_api.post(ANSWERS, {"token": token, "rating": 5})
    assert response.status_code == 409
    assert "closed" in response.json()["error"]["message"]


def test_a_body_that_is_not_json_is_a_400(anon_api, survey):
    response = anon_api.post(ANSWERS, "{not json", content_type="application/json")
    assert response.status_code == 400


def test_forged_tokens_from_one_address_are_throttled(anon_api, survey, token, settings):
    for _ in range(settings.LOGIN_THROTTLE_COUNT):
        assert anon_api.post(ANSWERS, {"token": "forged", "rating": 5}).status_code == 404
    refused = anon_api.post(ANSWERS, {"token": token, "rating": 5})
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert Survey.objects.get().rating is None


def test_agents_list_and_read_surveys(agent_api, survey, anon_api, token):
    anon_api.post(ANSWERS, {"token": token, "rating": 5, "comment": "Great"})
    page = agent_api.get("/api/v1/surveys", {"answered": "true"}).json()
    assert [(s["number"], s["rating"], s["comment"]) for s in page["items"]] == [
        (survey.number, 5, "Great")
    ]
    assert page["next"] is None
    assert agent_api.get("/api/v1/surveys", {"answered": "false"}).json()["items"] == []
    one = agent_api.get(f"/api/v1/surveys/{survey.pk}")
    assert (one.status_code, one.json()["team"]) == (200, "desk")
    assert agent_api.get("/api/v1/surveys/999999").status_code == 404
    assert agent_api.get("/api/v1/surveys/not-a-number").status_code == 404
    bad = agent_api.get("/api/v1/surveys", {"rating": "9"})
    assert (bad.status_code, list(bad.json()["error"]["fields"])) == (422, ["rating"])


def test_requesters_and_agents_of_other_organisations_see_no_survey(survey, caller):
    # the survey carries its record's organisation (records of none are every agent's)
    Survey.objects.update(organisation=factories.OrganisationFactory(name="Acme", slug="acme"))
    other = factories.OrganisationFactory(name="Elsewhere", slug="elsewhere")
    outsider = api_client_for(limited_agent("outsider", other))
    assert outsider.get("/api/v1/surveys").json()["items"] == []
    assert outsider.get(f"/api/v1/surveys/{survey.pk}").status_code == 404
    own = api_client_for(caller)
    assert own.get("/api/v1/surveys").status_code == 404  # a requester's is the portal


def test_only_administrators_change_the_settings(admin_api, agent_api):
    assert agent_api.patch("/api/v1/surveys/settings", {"is_enabled": False}).status_code == 403
    done = admin_api.patch("/api/v1/surveys/settings", {"sample_percent": 25})
    assert (done.status_code, done.json()["sample_percent"]) == (200, 25)
    bad = admin_api.patch("/api/v1/surveys/settings", {"sample_percent": 101})
    assert (bad.status_code, list(bad.json()["error"]["fields"])) == (422, ["sample_percent"])
    stale = admin_api.patch(
        "/api/v1/surveys/settings", {"low_rating": 1}, headers={"If-Match": "1"}
    )
    assert stale.status_code == 412
    assert agent_api.get("/api/v1/surveys/settings").json()["sample_percent"] == 25


def test_the_openapi_document_lists_the_routes_and_the_public_answer(anon_api):
    document = anon_api.get("/api/openapi.json").json()
    answer = document["paths"]["/api/v1/surveys/answers"]["post"]
    assert answer.get("security") in (None, [])  # no credentials needed
    assert {"404", "409", "422", "429"} <= set(answer["responses"])
    assert "/api/v1/surveys/{id}" in document["paths"]
    assert "/api/v1/surveys/settings" in document["paths"]


def test_agents_read_the_answer_in_the_incidents_activity(agent_api, anon_api, survey, token):
    anon_api.post(ANSWERS, {"token": token, "rating": 1, "comment": "Nobody called"})
    notes = agent_api.get(f"/api/v1/incidents/{survey.number}/comments").json()["items"]
    rated = [n for n in notes if n["body"].startswith("Customer satisfaction")]
    assert len(rated) == 1
    assert rated[0]["internal"] is True
    assert "Customer satisfaction: 1 of 5." in rated[0]["body"]
    assert "Nobody called" in rated[0]["body"]
