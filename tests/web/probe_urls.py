"""Probe views for the web layer's tests: the real URLs plus a few views that raise, read
``request.actor`` or save a form through ``steward.web.forms.submit``."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from steward.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from steward.urls import urlpatterns as steward_urls
from steward.web.forms import submit
from steward.web.pages import web_actor

SAVED: list[dict] = []  # what the probe "service" received


def actor_view(request: HttpRequest) -> JsonResponse:
    actor = getattr(request, "actor", "unset")
    if actor is None or actor == "unset":
        return JsonResponse({"actor": actor})
    return JsonResponse(
        {
            "username": actor.user.username,
            "channel": actor.channel,
            "scopes": actor.scopes,
            "same_actor_from_web_actor": web_actor(request) is actor,
            "request_id": actor.request_id,
        }
    )


def raising(exc: Exception):  # noqa: ANN201 - a view
    def view(request: HttpRequest) -> HttpResponse:
        raise exc

    return view


class ProbeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(max_length=20)
    team = forms.CharField(required=False)


# what the probe service does for a given name: the error it raises (none: it saves)
OUTCOMES = {
    "taken": ValidationFailed.one("name", "already taken"),
    "bad-team": ValidationFailed.one("team_slug", "no such team"),
    "vague": ValidationFailed({"colour": ["not a colour"]}, message="The colour is wrong."),
    "stale": StaleVersion(current=7),
    "forbidden": PermissionDenied("Only leads may do this."),
    "gone": NotFound(),
    "conflict": Conflict("It is closed."),
}


@login_required
def save_view(request: HttpRequest) -> HttpResponse:
    def save(form: ProbeForm) -> str:
        outcome = OUTCOMES.get(form.cleaned_data["name"])
        if outcome is not None:
            raise outcome
        SAVED.append(form.cleaned_data)
        return form.cleaned_data["name"]

    success = request.GET.get("success", "url")
    return submit(
        request,
        ProbeForm(request.POST),
        save,
        success=(
            (lambda name: HttpResponse(f"saved {name}", status=201))
            if success == "response"
            else (lambda name: f"/probe/things/{name}/")
        ),
        template="probe/form.html",
        partial="panel",
        context=lambda form: {"title": "Probe page"},
        aliases={"team_slug": "team"},
    )


urlpatterns = [
    path("probe/actor/", actor_view),
    path("api/probe/actor/", actor_view),
    path("probe/not-found/", raising(NotFound())),
    path("probe/forbidden/", raising(PermissionDenied("Only change managers may do this."))),
    path("probe/django-forbidden/", raising(DjangoPermissionDenied())),
    path("probe/conflict/", raising(Conflict("It is closed."))),
    path("probe/save/", save_view),
    *steward_urls,
]
