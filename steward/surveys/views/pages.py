"""Survey pages: the agents' list and one survey, the administrators' settings, and the
page the invitation's link opens (no sign-in: the link is the requester's key)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET, require_http_methods

from steward.core import mail
from steward.core.errors import NotFound, ValidationFailed
from steward.surveys import filters, selectors, services, workflow
from steward.surveys.choices import Rating
from steward.surveys.forms import AnswerForm, SettingsForm
from steward.web.forms import submit

RATE_PAGE = "surveys/rate.html"
SETTINGS_PAGE = "surveys/settings.html"


def _agents_only(request: HttpRequest) -> None:
    if not request.actor.is_agent:
        raise NotFound()


@login_required
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    """Surveys of the records the agent may see, newest first, filtered like the API."""
    _agents_only(request)
    values, errors = filters.parse_query(request.GET)
    page = None
    if not errors:
        try:
            page = selectors.survey_list(request.actor, **values.dict())
        except ValidationFailed as exc:  # a forged cursor, shown beside the list
            errors = exc.fields
    context = {"page": page, "errors": errors, "ratings": Rating.choices, "filters": values}
    return render(request, "surveys/list.html", context, status=422 if errors else 200)


@login_required
@require_GET
def survey_detail(request: HttpRequest, pk: str) -> HttpResponse:
    _agents_only(request)
    survey = selectors.survey_get(request.actor, pk=pk)
    state = workflow.state_of(survey, timezone.now())
    return render(request, "surveys/detail.html", {"survey": survey, "state": state})


@login_required
@require_http_methods(["GET", "POST"])
def survey_settings(request: HttpRequest) -> HttpResponse:
    """Administrators switch surveys off or on and set the sampled share."""
    if not request.actor.is_admin:
        raise NotFound()
    config = selectors.survey_settings()
    if request.method == "GET":
        initial = {
            "version": config.version,
            "is_enabled": config.is_enabled,
            "sample_percent": config.sample_percent,
            "notify_low_ratings": config.notify_low_ratings,
            "low_rating": config.low_rating,
        }
        return render(request, SETTINGS_PAGE, {"form": SettingsForm(initial=initial)})
    return submit(
        request,
        SettingsForm(request.POST),
        lambda f: services.survey_settings_update(
            request.actor,
            changes={k: v for k, v in f.cleaned_data.items() if k != "version"},
            expected_version=f.cleaned_data.get("version"),
        ),
        success=lambda _done: reverse("surveys:settings") + "?saved=1",
        template=SETTINGS_PAGE,
    )


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation's link: GET shows the question (mail scanners follow links, so a GET
    never answers), POST rates, again until the survey closes. A forged link is the 404
    page; the requester's language and time zone unless someone is signed in."""
    survey = services.survey_link_read(token)
    requester = survey.requester
    language = _language_of(request, requester)
    zone = mail.zone_of(requester) if not request.user.is_authenticated else None
    with timezone.override(zone or timezone.get_current_timezone()), translation.override(language):
        request.LANGUAGE_CODE = language
        response = _rate_page(request, token, survey)
    response.headers["Content-Language"] = language
    return response


def _language_of(request: HttpRequest, requester) -> str:  # noqa: ANN001 - a User
    if request.user.is_authenticated:
        return request.LANGUAGE_CODE
    # their choice, else (none made) the browser's, which the middleware has read
    return mail.chosen_language(requester) or request.LANGUAGE_CODE


def _rate_page(request: HttpRequest, token: str, survey) -> HttpResponse:  # noqa: ANN001
    """The question, or the thanks (``?rated=1``, where a rating leads: Post/Redirect/Get,
    so a reload asks nothing again) above the same form, the answer chosen: the page says
    the answer may be changed, so the way to change it is on it."""
    now = timezone.now()
    context = {"survey": survey, "open": workflow.is_open(survey, now), "done": None}
    if request.method == "GET" and request.GET.get("rated") and survey.rating is not None:
        context["done"] = survey
    if request.method == "GET" or not context["open"]:
        initial = {"rating": survey.rating, "comment": survey.comment}
        status = 200 if request.method == "GET" else 409
        return render(
            request, RATE_PAGE, {**context, "form": AnswerForm(initial=initial)}, status=status
        )
    return submit(
        request,
        AnswerForm(request.POST),
        lambda f: services.survey_answer_by_link(
            token,
            rating=f.cleaned_data["rating"],
            comment=f.cleaned_data["comment"],
            address=request.META.get("REMOTE_ADDR") or None,
            channel="web",
        ),
        success=lambda _done: reverse("surveys:rate", args=[token]) + "?rated=1",
        template=RATE_PAGE,
        context=context,
    )
