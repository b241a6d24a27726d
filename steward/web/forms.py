"""Web forms of the shell (sign-in) and the one way every page saves a form.

``submit`` validates the form, calls the service, turns its errors into form errors and
answers as a browser and htmx expect: 303 to the next page on success (a reload never
re-POSTs), the form again with 422 on failure (htmx swaps 422, web/base.html), only the
form's partial for an htmx request. Every service error is shown on the form, a refusal
(``PermissionDenied``) included, so the person keeps what they typed and reads why; only
``NotFound`` (the record the page is about is gone or invisible) escapes to
``steward.web.middleware.DomainErrorPageMiddleware`` and its 404 page. A throttled try
(``Throttled``) is the form with its message as 429 with ``Retry-After``, as the sign-in
and password reset pages answer it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.translation import gettext_lazy

from steward.core.errors import DomainError, NotFound, StaleVersion, Throttled

T = TypeVar("T")

STALE_MESSAGE = gettext_lazy(
    "This record changed since you opened it (in another tab, by someone else or through "
    "the API). Reload it to see the current values, then make your change again."
)


def apply_error(
    form: forms.Form, exc: DomainError, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a service error on the fields it names (``aliases`` maps a service's field name
    to the form's), or on the whole form when it names none of the form's fields."""
    placed = False
    for name, messages in exc.fields.items():
        target = (aliases or {}).get(name, name)
        if target in form.fields:
            for message in messages:
                form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request for a fragment; boosted navigation gets whole pages."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def see_other(request: HttpRequest, to: str) -> HttpResponse:
    """Redirect after POST: 303 for a page; for an htmx fragment, ``HX-Redirect`` makes the
    browser load the page itself (a 303 would be followed inside the fragment's swap)."""
    url = resolve_url(to)
    if wants_partial(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url, status=303)


def submit(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[forms.Form], T],
    *,
    success: str | Callable[[T], str | HttpResponse],
    template: str,
    context: Mapping[str, Any] | Callable[[forms.Form], Mapping[str, Any]] = (),
    partial: str | None = None,
    form_name: str = "form",
    aliases: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Save a bound ``form`` through ``save(form)`` (which calls the service).

    ``success``: where to go next (a URL or URL name), or ``success(result)`` giving one
    or a finished response (e.g. a fragment showing a token once). ``template``: the page
    shown again on failure with ``context`` (a mapping, or a function of the form) plus the
    form as ``form_name`` and ``stale`` (true after ``StaleVersion``: offer a reload);
    ``partial``: the fragment of that page an htmx request gets instead.
    """
    stale = False
    throttled: Throttled | None = None
    if form.is_valid():
        try:
            result = save(form)
        except NotFound:
            raise  # the record the page is about is gone or invisible: the 404 page
        except Throttled as exc:
            throttled = exc
            form.add_error(None, exc.message)
        except StaleVersion as exc:
            stale = True
            if "version" in form.fields:  # a template may mark the hidden field's error
                form.add_error("version", exc.fields["version"])
            form.add_error(None, STALE_MESSAGE)
        except DomainError as exc:
            apply_error(form, exc, aliases)
        else:
            target = success(result) if callable(success) else success
            if isinstance(target, HttpResponse):
                return target
            return see_other(request, target)
    values = dict(context(form) if callable(context) else context)
    values[form_name] = form
    values["stale"] = stale
    name = f"{template}#{partial}" if partial and wants_partial(request) else template
    if throttled is not None:
        response = render(request, name, values, status=throttled.status)
        response["Retry-After"] = str(throttled.retry_after)
        return response
    return render(request, name, values, status=422)


class LoginForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
