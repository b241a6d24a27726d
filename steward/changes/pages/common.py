"""What every change page shares: the actor, service errors onto forms, 404s."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from steward.changes.choices import RISK_COLOURS, STATUS_COLOURS
from steward.core.actor import Actor
from steward.core.choices import Role
from steward.core.errors import DomainError
from steward.web.pages import web_actor

COLOURS = {"status_colours": STATUS_COLOURS, "risk_colours": RISK_COLOURS}
actor_of = web_actor


def is_change_manager(actor: Actor) -> bool:
    """Shows the configuration links; the services make the actual decision."""
    return actor.is_admin or (actor.user is not None and actor.user.has_role(Role.CHANGE_MANAGER))


def apply_error(form: forms.Form, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a service error next to the fields it names (``risk_answers.outage`` →
    ``risk_outage``); anything unplaced goes to the top of the form."""
    placed = False
    for name, messages in exc.fields.items():
        target = (aliases or {}).get(name, name)
        if target.startswith("risk_answers."):
            target = "risk_" + target.split(".", 1)[1]
        if target in form.fields:
            for message in messages:
                form.add_error(target, message)
            placed = True
    if not placed or exc.status in (409, 412):
        form.add_error(None, exc.message)


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def partial_requested(request: HttpRequest) -> bool:
    """An htmx request for a fragment (boosted navigation gets whole pages)."""
    return bool(request.htmx) and not request.htmx.boosted


def context(**values: Any) -> dict[str, Any]:
    return {**COLOURS, **values}
