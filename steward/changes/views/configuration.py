"""The administrator's change configuration pages: standard-change templates (list, new,
edit, deactivate by unticking Active) and approval delegations (list, new, edit, end).

Only administrators reach them (``require_admin``: the 403 page with the reason); the
services check again and audit. Forms save through ``web.forms.submit`` (303 on success,
the form with 422 and each message beside its field otherwise).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.changes import selectors, services
from steward.changes.forms import DelegationForm, TemplateForm
from steward.core.errors import NotFound
from steward.core.services.common import require_admin
from steward.web.forms import see_other, submit
from steward.web.pickers import set_label

TEMPLATE_FORM = "changes/template_form.html"
DELEGATION_FORM = "changes/delegation_form.html"


def _templates_page(request: HttpRequest, verb: str):  # noqa: ANN202
    def done(template: Any) -> str:
        messages.success(
            request, _("Template “%(name)s” %(verb)s.") % {"name": template.name, "verb": verb}
        )
        return reverse("changes:template_list")

    return done


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    require_admin(actor, _("configure change templates"))
    page = selectors.template_list(actor, cursor=request.GET.get("cursor"), limit=100)
    return render(request, "changes/template_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def template_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    require_admin(actor, _("configure change templates"))
    if request.method == "POST":
        return submit(
            request,
            TemplateForm(request.POST),
            lambda f: services.template_create(actor, **f.values()),
            success=_templates_page(request, _("added")),
            template=TEMPLATE_FORM,
            context={"template": None},
        )
    return render(request, TEMPLATE_FORM, {"form": TemplateForm(), "template": None})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Change a template; untick Active to stop offering it (changes made from it keep it)."""
    actor = request.actor
    require_admin(actor, _("configure change templates"))
    template = selectors.template_get(actor, slug=slug)
    if request.method == "POST":
        return submit(
            request,
            TemplateForm(request.POST),
            lambda f: services.template_update(
                actor,
                slug=slug,
                expected_version=f.cleaned_data.get("version"),
                changes=f.values(),
            ),
            success=_templates_page(request, _("saved")),
            template=TEMPLATE_FORM,
            context={"template": template},
        )
    form = TemplateForm(initial=TemplateForm.initial_for(template))
    return render(request, TEMPLATE_FORM, {"form": form, "template": template})


# --- delegations --------------------------------------------------------------------------


def _delegations_page(request: HttpRequest, verb: str):  # noqa: ANN202
    def done(made: Any) -> str:
        messages.success(
            request,
            _("Delegation %(verb)s: %(delegate)s decides for %(user)s from %(start)s to %(end)s.")
            % {
                "verb": verb,
                "delegate": made.delegate,
                "user": made.user,
                "start": date_format(made.starts_on, "j M Y"),
                "end": date_format(made.ends_on, "j M Y"),
            },
        )
        return reverse("changes:delegation_list")

    return done


@login_required
@require_GET
def delegation_list(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    require_admin(actor, _("manage approval delegations"))
    page = selectors.delegation_list(actor, cursor=request.GET.get("cursor"), limit=100)
    return render(
        request, "changes/delegation_list.html", {"page": page, "today": timezone.localdate()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def delegation_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    require_admin(actor, _("manage approval delegations"))
    if request.method == "POST":
        return submit(
            request,
            DelegationForm(request.POST),
            lambda f: services.delegation_create(actor, **f.values()),
            success=_delegations_page(request, _("added")),
            template=DELEGATION_FORM,
            context={"delegation": None},
        )
    today = timezone.localdate()
    form = DelegationForm(initial={"starts_on": today, "ends_on": today})
    return render(request, DELEGATION_FORM, {"form": form, "delegation": None})


def _delegation(actor: Any, delegation_id: int) -> Any:
    found = (
        selectors.delegation_visible(actor)
        .select_related("user", "delegate")
        .filter(pk=delegation_id)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


@login_required
@require_http_methods(["GET", "POST"])
def delegation_edit(request: HttpRequest, delegation_id: int) -> HttpResponse:
    actor = request.actor
    require_admin(actor, _("manage approval delegations"))
    delegation = _delegation(actor, delegation_id)
    if request.method == "POST":
        return submit(
            request,
            DelegationForm(request.POST, new=False),
            lambda f: services.delegation_update(
                actor, delegation_id=delegation.pk, changes=f.values()
            ),
            success=_delegations_page(request, _("saved")),
            template=DELEGATION_FORM,
            context={"delegation": delegation},
        )
    initial = {
        "delegate": delegation.delegate.username,
        "starts_on": delegation.starts_on,
        "ends_on": delegation.ends_on,
    }
    form = DelegationForm(initial=initial, new=False)
    set_label(form, "delegate", str(delegation.delegate))
    return render(request, DELEGATION_FORM, {"form": form, "delegation": delegation})


@login_required
@require_POST
def delegation_end(request: HttpRequest, delegation_id: int) -> HttpResponse:
    """End a delegation now: the approver decides their approvals again themselves."""
    actor = request.actor
    require_admin(actor, _("manage approval delegations"))
    delegation = _delegation(actor, delegation_id)
    services.delegation_delete(actor, delegation_id=delegation.pk)
    messages.success(
        request,
        _("Delegation ended: %(user)s decides their approvals again.") % {"user": delegation.user},
    )
    return see_other(request, reverse("changes:delegation_list"))
