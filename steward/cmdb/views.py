"""The CMDB in the agent workspace: CI list, CI page with impact panel, service map."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward.cmdb import history, selectors, servicemap, services
from steward.cmdb.choices import STATUS_COLOURS, CIStatus, Direction, Environment
from steward.cmdb.forms import RelationshipForm
from steward.core.actor import Actor
from steward.core.errors import DomainError, NotFound
from steward.web.pages import web_actor as _actor


def _ci(actor: Actor, number: str):  # noqa: ANN202
    try:
        return selectors.ci_get(actor, number=number)
    except NotFound as exc:
        raise Http404 from exc


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdecimal() and len(value) < 10 else default


@login_required
@require_GET
def ci_list(request: HttpRequest) -> HttpResponse:
    """CIs by name, filtered by class, status and search; htmx swaps only the rows."""
    actor = _actor(request)
    if not actor.is_agent:  # requesters see no CIs: an empty agent page would only confuse
        raise Http404
    params = {
        "q": request.GET.get("q", "").strip(),
        "ci_class": request.GET.get("class", ""),
        "status": request.GET.get("status", ""),
        "environment": request.GET.get("environment", ""),
        "cursor": request.GET.get("cursor") or None,
    }
    context = {
        "params": params,
        "can_write": services.can_write(actor),
        "classes": selectors.ci_class_list(actor),
        "statuses": CIStatus.choices,
        "environments": Environment.choices,
        "status_colours": STATUS_COLOURS,
    }
    status = 200
    try:
        context["page"] = selectors.ci_list(
            actor, attrs=selectors.attribute_filters(request.GET), **params
        )
    except DomainError as exc:
        context |= {"page": None, "error": exc.message}
        status = exc.status
    partial = request.htmx and not request.htmx.boosted and request.GET.get("partial")
    template = "cmdb/ci_list.html#rows" if partial and status == 200 else "cmdb/ci_list.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def ci_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A CI: facts, attributes in its class's order, relationships; the impact panel loads
    separately."""
    actor = _actor(request)
    ci = _ci(actor, number)
    past, error, status = None, "", 200
    raw = request.GET.get("as_of", "")
    try:
        at = history.parse_as_of(raw)
        past = history.ci_as_of(actor, number, at) if at else None
    except DomainError as exc:  # a bad date (422), or before the CI existed (404)
        error, status = exc.message, exc.status
    shown = past.ci if past else ci
    tree = selectors.class_tree()
    schema = tree.schema(tree.by_id[shown.ci_class_id])
    attributes = [(spec, shown.attributes.get(name)) for name, spec in schema.items()]
    can_write = services.can_write(actor) and past is None
    context = {
        "ci": shown,
        "past": past,
        "as_of_raw": raw,
        "as_of_error": error,
        "chain": tree.chain(tree.by_id[shown.ci_class_id]),
        "attributes": attributes,
        "relationships": (
            {"outgoing": past.outgoing, "incoming": past.incoming}
            if past
            else selectors.ci_relationships(actor, ci)
        ),
        "timeline": history.ci_timeline(actor, ci),
        "can_write": can_write,
        "rel_form": RelationshipForm(types=selectors.relationship_types()) if can_write else None,
        "status_colours": STATUS_COLOURS,
    }
    return render(request, "cmdb/ci_detail.html", context, status=status)


@login_required
@require_GET
def ci_impact(request: HttpRequest, number: str) -> HttpResponse:
    """The impact panel (a fragment): who is hit if this CI fails, or what it needs."""
    actor = _actor(request)
    direction = request.GET.get("direction", Direction.UP)
    depth = _int(request.GET.get("depth"), selectors.DEFAULT_DEPTH)
    try:
        result = selectors.impact(actor, number=number, direction=direction, depth=depth)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    context = {"impact": result, "status_colours": STATUS_COLOURS}
    return render(request, "cmdb/_impact.html", context)


@login_required
@require_GET
def ci_map(request: HttpRequest, number: str) -> HttpResponse:
    """The service map: the CI's neighbourhood as an SVG laid out in rings by depth."""
    actor = _actor(request)
    depth = min(max(_int(request.GET.get("depth"), 2), 1), 3)
    try:
        hood = selectors.service_map(actor, number=number, depth=depth)
    except NotFound as exc:
        raise Http404 from exc
    context = {
        "ci": hood.center,
        "depth": depth,
        "map": servicemap.layout(hood),
        "legend": [(label, STATUS_COLOURS[value]) for value, label in CIStatus.choices],
    }
    return render(request, "cmdb/ci_map.html", context)
