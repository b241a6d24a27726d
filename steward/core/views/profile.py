"""A person's own profile and API tokens: edits through the services, tokens shown once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from steward.core import selectors, services
from steward.core.actor import Actor
from steward.core.forms import ProfileForm, TokenForm
from steward.web.forms import see_other, submit, wants_partial

PAGE = "core/profile.html"


def _profile_form(actor: Actor, data: Any = None) -> ProfileForm:
    user = selectors.user_get(actor, username=actor.user.username)
    initial = {f: getattr(user, f) for f in ProfileForm.base_fields if f != "version"}
    form = ProfileForm(data, initial={**initial, "version": user.version})
    form.profile_user = user
    return form


def _page(actor: Actor, form: ProfileForm | None = None, **extra: Any) -> dict[str, Any]:
    form = form or _profile_form(actor)
    return {
        "form": form,
        "profile_user": form.profile_user,
        "tokens": selectors.token_list(actor, limit=100).items,
        "token_form": TokenForm(),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if request.method == "GET":
        return render(request, PAGE, _page(actor))
    form = _profile_form(actor, request.POST or None)

    def save(form: ProfileForm) -> None:
        services.user_update(
            actor,
            username=form.profile_user.username,
            expected_version=form.cleaned_data["version"],
            changes={k: v for k, v in form.cleaned_data.items() if k != "version"},
        )

    return submit(
        request,
        form,
        save,
        success="core:profile",
        template=PAGE,
        context=lambda f: _page(actor, f),
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """A new token; the answer shows it once (the tokens panel for htmx, else the page)."""
    actor = request.actor

    def save(form: TokenForm) -> str:
        days = form.cleaned_data.get("expires_in_days")
        _, raw = services.token_create(
            actor,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
        )
        return raw

    def shown(raw: str) -> HttpResponse:
        if wants_partial(request):
            values = {
                "tokens": selectors.token_list(actor, limit=100).items,
                "token_form": TokenForm(),
                "new_token": raw,
            }
            return render(request, f"{PAGE}#tokens", values)
        return render(request, PAGE, _page(actor, new_token=raw))

    return submit(
        request,
        TokenForm(request.POST),
        save,
        success=shown,
        template=PAGE,
        partial="tokens",
        form_name="token_form",
        context=lambda _: {k: v for k, v in _page(actor).items() if k != "token_form"},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    actor = request.actor
    services.token_revoke(actor, token_id=token_id)  # NotFound: the 404 page (middleware)
    if not wants_partial(request):
        return see_other(request, "core:profile")
    tokens = selectors.token_list(actor, limit=100).items
    return render(request, f"{PAGE}#tokens", {"tokens": tokens, "token_form": TokenForm()})
