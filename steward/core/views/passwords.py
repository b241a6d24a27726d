"""Password reset by email: ask for a link, follow it once, choose a new password.

The request page answers the same whether or not the address is known; the link's token is
moved into the session and the address bar shows ``set-password`` instead, so the token does
not leak through the Referer header (Django's way).
"""

from __future__ import annotations

from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from steward.core import services
from steward.core.errors import Throttled
from steward.core.forms import PasswordResetRequestForm

SESSION_TOKEN = "_password_reset_token"  # noqa: S105 (a session key)
SET_PASSWORD = "set-password"  # noqa: S105 (the link's placeholder once checked)
REFUSED = 422  # a refused form, as every other form of the web pages answers it


def _client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a link by address; throttled per address asked for and per client."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def link(uid: str, token: str) -> str:
            path = reverse("core:password_reset_confirm", args=[uid, token])
            return request.build_absolute_uri(path)

        try:
            services.password_reset_request(
                email=form.cleaned_data["email"], address=_client_address(request), link=link
            )
        except Throttled as exc:
            form.add_error(None, exc.message)
            response = render(request, "core/password_reset.html", {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return redirect("core:password_reset_sent")
    status = REFUSED if form.errors else 200
    return render(request, "core/password_reset.html", {"form": form}, status=status)


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "core/password_reset_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The mailed link: check it, keep its token in the session, then ask for the password."""
    if token != SET_PASSWORD:
        if services.password_reset_user(uidb64, token) is None:
            return render(request, "core/password_reset_confirm.html", {"form": None})
        request.session[SESSION_TOKEN] = token
        return redirect("core:password_reset_confirm", uidb64=uidb64, token=SET_PASSWORD)
    user = services.password_reset_user(uidb64, request.session.get(SESSION_TOKEN, ""))
    if user is None:
        return render(request, "core/password_reset_confirm.html", {"form": None})
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_complete(user=user, password=form.cleaned_data["new_password1"])
        request.session.pop(SESSION_TOKEN, None)
        return redirect("core:password_reset_done")
    status = REFUSED if form.errors else 200
    return render(request, "core/password_reset_confirm.html", {"form": form}, status=status)


def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(request, "core/password_reset_done.html")
