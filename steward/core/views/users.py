"""The administrator's user pages: the list (search, role, active), adding a person (with an
invitation to choose a password, or a password), editing roles, organisation and teams,
deactivating and reactivating, and sending a new invitation.

Only administrators reach them (``require_admin``: the 403 page with the reason; signed-out
people go to the sign-in page). Writes go through ``core.services`` and ``web.forms.submit``
(303 on success, the form again with 422 and the messages beside their fields otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.core import selectors, services
from steward.core.actor import Actor
from steward.core.choices import Role
from steward.core.errors import DomainError, NotFound
from steward.core.filters import UserFilters, parse_query
from steward.core.forms import UserFilterForm, UserForm
from steward.core.services.common import require_admin
from steward.web.forms import see_other, submit, wants_partial
from steward.web.pickers import set_label

LIST = "core/user_list.html"
FORM = "core/user_form.html"
FILTERS = ("q", "role", "is_active")
WHAT = "manage people"


def _edit_url(user: Any) -> str:
    return reverse("core:user_edit", args=[user.username])


def _choices(actor: Actor, person: Any = None) -> dict[str, Any]:
    """What the form offers: organisations, and the active teams the administrator may see
    (plus any retired team the person is still in, so saving does not drop it unasked)."""
    teams = selectors.team_visible(actor).filter(is_active=True)
    if person is not None:
        teams = teams | selectors.team_visible(actor).filter(members=person)
    return {
        "organisations": list(selectors.organisation_visible(actor).order_by("name")),
        "teams": list(teams.distinct().order_by("name")),
        "departments": selectors.department_choices(actor),
        "locations": selectors.location_choices(actor),
    }


def _link(request: HttpRequest):  # noqa: ANN202
    """The absolute set-password link for a mail (the password reset page's)."""

    def link(uid: str, token: str) -> str:
        path = reverse("core:password_reset_confirm", args=[uid, token])
        return request.build_absolute_uri(path)

    return link


@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """Everyone by username; the search, role and status narrow it (a refused value shows
    beside its field, 422)."""
    actor = request.actor
    require_admin(actor, WHAT)
    filters, errors = parse_query(UserFilters, request.GET)
    page = None if errors else selectors.user_list(actor, **filters.dict())
    for user in page.items if page else []:
        user.role_labels = [label for value, label in Role.choices if value in user.role_names]
    form = UserFilterForm({name: request.GET.get(name, "") for name in FILTERS})
    form.show_errors(errors)
    context = {
        "page": page,
        "filters": form,
        "errors": errors,
        "other_errors": [
            f"{name}: {' '.join(texts)}" for name, texts in errors.items() if name not in FILTERS
        ],
    }
    partial = wants_partial(request) and request.GET.get("partial")
    template = f"{LIST}#rows" if partial else LIST
    return render(request, template, context, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    """Add a person; by default they are mailed a link to choose their own password."""
    actor = request.actor
    require_admin(actor, WHAT)
    choices = _choices(actor)
    if request.method == "POST":

        def save(form: UserForm) -> Any:
            values = form.values()
            if "password" in values:
                return services.user_create(actor, **values)
            return services.user_invite(actor, link=_link(request), **values)

        def done(user: Any) -> str:
            name = user.get_full_name() or user.username
            if user.has_usable_password():
                messages.success(
                    request, _("%(name)s was added and can sign in now.") % {"name": name}
                )
            else:
                messages.success(
                    request,
                    _("%(name)s was added; an invitation went to %(email)s.")
                    % {"name": name, "email": user.email},
                )
            return _edit_url(user)

        return submit(
            request,
            UserForm(request.POST, **choices),
            save,
            success=done,
            template=FORM,
            context={"person": None},
        )
    form = UserForm(initial={"roles": ["requester"], "invite": True}, **choices)
    return render(request, FORM, {"form": form, "person": None})


def _changes(form: UserForm, current: dict[str, Any]) -> dict[str, Any]:
    """Only what differs from the values the form was opened with (so the audit log and the
    event name only what the administrator changed)."""
    new = form.values()
    old = {**current}
    for name in ("organisation", "department", "location", "manager"):
        old[name] = current[name] or None
    return {
        name: value
        for name, value in new.items()
        if (sorted(value) if isinstance(value, list) else value)
        != (sorted(old[name]) if isinstance(old[name], list) else old[name])
    }


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, username: str) -> HttpResponse:
    """One person: their details, roles and teams (the form), and their account (active or
    not, a new invitation)."""
    actor = request.actor
    require_admin(actor, WHAT)
    person = selectors.user_get(actor, username=username)  # NotFound: the 404 page
    choices = _choices(actor, person)
    current = UserForm.initial_for(person)
    context = {"person": person}
    if request.method == "POST":

        def save(form: UserForm) -> Any:
            changes = _changes(form, current)
            if not changes:
                return person
            return services.user_update(
                actor,
                username=username,
                expected_version=form.cleaned_data.get("version"),
                changes=changes,
            )

        def done(user: Any) -> str:
            messages.success(
                request, _("Saved %(value)s.") % {"value": user.get_full_name() or user.username}
            )
            return _edit_url(user)

        return submit(
            request,
            UserForm(request.POST, new=False, **choices),
            save,
            success=done,
            template=FORM,
            context=context,
        )
    form = UserForm(initial=current, new=False, **choices)
    if person.manager:  # the picker shows the manager's name, not the stored username
        set_label(form, "manager", person.manager.get_full_name() or person.manager.username)
    return render(request, FORM, {**context, "form": form})


@login_required
@require_POST
def user_active(request: HttpRequest, username: str) -> HttpResponse:
    """Deactivate (their sessions and API tokens end at once) or reactivate a person."""
    actor = request.actor
    require_admin(actor, WHAT)
    active = request.POST.get("is_active") == "true"
    try:
        user = services.user_update(
            actor, username=username, expected_version=None, changes={"is_active": active}
        )
    except NotFound:
        raise  # the person is gone: the 404 page
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        name = user.get_full_name() or user.username
        if active:
            messages.success(request, _("%(name)s can sign in again.") % {"name": name})
        else:
            messages.success(
                request,
                _("%(name)s is deactivated: signed out everywhere, API tokens stopped.")
                % {"name": name},
            )
    return see_other(request, reverse("core:user_edit", args=[username]))


@login_required
@require_POST
def user_invite(request: HttpRequest, username: str) -> HttpResponse:
    """Mail the person a new link to choose their password (the last one may have expired)."""
    actor = request.actor
    require_admin(actor, WHAT)
    try:
        user = services.password_invite(actor, username=username, link=_link(request))
    except NotFound:
        raise  # the person is gone: the 404 page
    except DomainError as exc:
        messages.error(
            request,
            _("No invitation sent: %(value)s.")
            % {"value": exc.fields.get("email", [exc.message])[0]},
        )
    else:
        messages.success(request, _("An invitation went to %(email)s.") % {"email": user.email})
    return see_other(request, reverse("core:user_edit", args=[username]))
