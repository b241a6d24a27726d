"""What every app's web views share: the acting user and the not-found page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from steward.core.actor import Actor
from steward.core.choices import Channel


def web_actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, channel=Channel.WEB)


def not_found(request: HttpRequest) -> HttpResponse:
    """The Steward 404 page: for absent records and for those the user may not see alike."""
    return render(request, "web/404.html", status=404)
