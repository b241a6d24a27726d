"""The administrator's escalation rule pages: the list, adding a rule, editing or
deactivating one. Selectors and services refuse anyone but administrators (the 403 page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.services.common import require_admin
from steward.incidents import selectors, services
from steward.incidents.forms import EscalationRuleForm
from steward.incidents.models import EscalationRule
from steward.web.forms import submit

FORM = "incidents/escalation_form.html"
WHAT = "configure escalation rules"


def _choices(actor: Actor) -> dict[str, Any]:
    teams = core_selectors.team_visible(actor).filter(is_active=True).order_by("name")
    return {"teams": list(teams), "actions": EscalationRule.Action.choices}


def _done(request: HttpRequest, verb: str):  # noqa: ANN202
    def done(rule: Any) -> str:
        messages.success(
            request, _("Escalation rule “%(name)s” %(verb)s.") % {"name": rule.name, "verb": verb}
        )
        return reverse("incidents:escalation_list")

    return done


@login_required
@require_GET
def escalation_list(request: HttpRequest) -> HttpResponse:
    rules = selectors.escalation_rule_list(request.actor)
    return render(request, "incidents/escalation_list.html", {"rules": rules})


@login_required
@require_http_methods(["GET", "POST"])
def escalation_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    require_admin(actor, WHAT)
    choices = _choices(actor)
    if request.method == "POST":
        return submit(
            request,
            EscalationRuleForm(request.POST, **choices),
            lambda f: services.escalation_rule_create(actor, **f.values()),
            success=_done(request, _("added")),
            template=FORM,
            context={"rule": None},
        )
    return render(request, FORM, {"form": EscalationRuleForm(**choices), "rule": None})


@login_required
@require_http_methods(["GET", "POST"])
def escalation_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    """Change a rule; untick Active to stop it without losing it."""
    actor = request.actor
    rule = selectors.escalation_rule_get(actor, rule_id=rule_id)
    choices = _choices(actor)
    if request.method == "POST":
        return submit(
            request,
            EscalationRuleForm(request.POST, **choices),
            lambda f: services.escalation_rule_update(actor, rule_id=rule.pk, changes=f.values()),
            success=_done(request, _("saved")),
            template=FORM,
            context={"rule": rule},
        )
    form = EscalationRuleForm(initial=EscalationRuleForm.initial_for(rule), **choices)
    return render(request, FORM, {"form": form, "rule": rule})
