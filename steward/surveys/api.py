"""Survey routes: agents read surveys (scoped like their records); the requester answers by
the emailed link's token without signing in (throttled); administrators set the settings."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from steward.api.http import expected_version, page_of, tag
from steward.core.choices import Channel
from steward.core.errors import NotFound
from steward.surveys import selectors, services
from steward.surveys.filters import SurveyFilters
from steward.surveys.schemas import (
    SurveyAnsweredOut,
    SurveyAnswerIn,
    SurveyOut,
    SurveySettingsOut,
    SurveySettingsPatchIn,
)

surveys = Router(tags=["surveys"])


def _agents_only(request: HttpRequest) -> None:
    if not request.actor.is_agent:
        raise NotFound()


@surveys.get("", response=page_of(SurveyOut))
def list_surveys(request: HttpRequest, filters: Query[SurveyFilters]):
    """Surveys of the records the agent may see, the newest invitation first."""
    _agents_only(request)
    return selectors.survey_list(request.actor, **filters.dict())


@surveys.post("/answers", response=SurveyAnsweredOut, auth=None)
def answer_survey(request: HttpRequest, payload: SurveyAnswerIn):
    """Rate (or rate again) with the token of the invitation's link, no sign-in: 404 for a
    forged or altered token, 409 once the survey has closed, 429 after too many refused
    tries from one address."""
    return services.survey_answer_by_link(
        payload.token,
        rating=payload.rating,
        comment=payload.comment,
        address=request.META.get("REMOTE_ADDR") or None,
        channel=Channel.API,
    )


@surveys.get("/settings", response=SurveySettingsOut)
def get_settings(request: HttpRequest, response: HttpResponse):
    _agents_only(request)
    return tag(response, selectors.survey_settings())


@surveys.patch("/settings", response=SurveySettingsOut)
def patch_settings(request: HttpRequest, response: HttpResponse, payload: SurveySettingsPatchIn):
    """Switch surveys on or off, the sampled share, low-rating mail (administrators)."""
    config = services.survey_settings_update(
        request.actor,
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
        expected_version=expected_version(request, payload.version),
    )
    return tag(response, config)


@surveys.get("/{id}", response=SurveyOut)
def get_survey(request: HttpRequest, response: HttpResponse, id: str):  # noqa: A002
    _agents_only(request)
    return tag(response, selectors.survey_get(request.actor, pk=id))


ROUTERS = [("surveys", surveys)]
