"""Automation routes: administrators write rules; agents read them, their runs and dry
runs. Thin: the services and selectors do the work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from steward.api.http import expected_version, tag
from steward.automation import selectors, services
from steward.automation.filters import RuleFilters
from steward.automation.schemas import DryRunIn, DryRunOut, RuleIn, RuleOut, RulePatchIn, RunOut

rules = Router(tags=["automation"])


@rules.get("", response=list[RuleOut])
def list_rules(request: HttpRequest, filters: Query[RuleFilters]):
    """Every rule, in the order they run (agents and administrators)."""
    return selectors.rule_list(request.actor, **filters.dict())


@rules.post("", response={201: RuleOut})
def create_rule(request: HttpRequest, response: HttpResponse, payload: RuleIn):
    """A new rule (administrators); each bad part is a 422 naming it."""
    values = payload.dict(exclude_none=True)
    return 201, tag(response, services.rule_create(request.actor, **values))


@rules.get("/{id}", response=RuleOut)
def get_rule(request: HttpRequest, response: HttpResponse, id: str):  # noqa: A002 - the URL's name
    return tag(response, selectors.rule_get(request.actor, pk=id))


@rules.patch("/{id}", response=RuleOut)
def patch_rule(
    request: HttpRequest,
    response: HttpResponse,
    id: str,  # noqa: A002 - the URL's name
    payload: RulePatchIn,
):
    """Change a rule (administrators); 412 when ``If-Match`` names an older version."""
    rule = services.rule_update(
        request.actor,
        pk=id,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, rule)


@rules.delete("/{id}", response={204: None})
def delete_rule(request: HttpRequest, id: str):  # noqa: A002 - the URL's name
    """Delete a rule (administrators); its run log stays."""
    services.rule_delete(request.actor, pk=id, expected_version=expected_version(request, None))
    return 204, None


@rules.get("/{id}/runs", response=list[RunOut])
def list_runs(request: HttpRequest, id: str):  # noqa: A002 - the URL's name
    """The rule's latest 50 firings, newest first."""
    return selectors.rule_runs(request.actor, selectors.rule_get(request.actor, pk=id))


@rules.post("/{id}/dry-run", response=DryRunOut)
def dry_run_rule(request: HttpRequest, id: str, payload: DryRunIn):  # noqa: A002
    """Whether the rule matches an incident now and what it would change; writes nothing."""
    rule = selectors.rule_get(request.actor, pk=id)
    return selectors.dry_run(request.actor, rule=rule, number=payload.incident)


ROUTERS = [("automation/rules", rules)]
