"""The CMDB in the agent workspace: CI list, CI page with impact panel, service map."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET

from steward.changes import selectors as change_selectors
from steward.cmdb import selectors
from steward.cmdb.choices import STATUS_COLOURS, CIStatus, attribute_label
from steward.cmdb.filters import CIFilters, ImpactParams, MapParams, attribute_filters, parse
from steward.cmdb.forms import FILTER_FIELDS, CIFilterForm, RelationshipForm
from steward.cmdb.selectors import history, servicemap
from steward.cmdb.selectors.past import ci_as_of, parse_as_of
from steward.core.actor import Actor
from steward.core.errors import DomainError, NotFound, ValidationFailed
from steward.incidents import selectors as incident_selectors
from steward.problems import selectors as problem_selectors
from steward.web.forms import wants_partial

DETAIL = "cmdb/ci_detail.html"
# marked for the catalogue, said in the reader's language
HISTORY_CURSOR_REFUSED = gettext_noop(
    "That page of the history is not one this page offered; here are the newest changes."
)

# a value only the selector can refuse, by the name it refuses it under: where it is in the
# list's parameters, and what "any" (or "the first page", "the default size") is there
DROPPABLE = {"class": ("ci_class", ""), "cursor": ("cursor", None), "limit": ("limit", None)}


def _matching(actor: Actor, request: HttpRequest, params: dict, errors: dict[str, str]):  # noqa: ANN202
    """The page of CIs; a class, attribute or paging value only the database can refuse is
    noted in ``errors`` and dropped, one at a time, so the table shows what the form shows
    (a stale cursor from an old link: the first page, with a message)."""
    attrs: dict[str, str] = {}
    try:
        attrs = attribute_filters(request.GET)
    except ValidationFailed as exc:  # a badly written attribute name: no attribute filters
        errors |= {name: messages[0] for name, messages in exc.fields.items()}
    while True:
        try:
            return selectors.ci_list(actor, attrs=attrs, **params)
        except ValidationFailed as exc:
            before = (dict(params), attrs)
            for name in exc.fields.keys() & DROPPABLE.keys():
                param, fallback = DROPPABLE[name]
                params[param] = fallback
            attrs = {n: v for n, v in attrs.items() if f"attr.{n}" not in exc.fields}
            if (params, attrs) == before:
                raise  # nothing of the filters to drop: not a filter problem
            errors |= {name: messages[0] for name, messages in exc.fields.items()}


@login_required
@require_GET
def ci_list(request: HttpRequest) -> HttpResponse:
    """CIs by name, filtered by class, status, environment, attributes and search (read by
    the API's filter schema) in the shared filter bar; htmx swaps the bar and the rows.

    A refused filter value is shown beside its field and reads as "any" meanwhile, so the
    table always lists what the form shows."""
    actor = request.actor
    if not actor.is_agent:  # requesters see no CIs: an empty agent page would only confuse
        raise NotFound()
    filters, errors = parse(CIFilters, request.GET)
    params = filters.dict()
    page = _matching(actor, request, params, errors)
    classes = selectors.ci_class_list(actor)
    form = CIFilterForm(request.GET, classes=classes)
    form.show_errors(errors)
    context = {
        "page": page,
        "filters": form,
        "can": selectors.ci_capabilities(actor),
        # filters the bar has no control for (attr.<name>, owner_team, limit) come from links
        "other_errors": [f"{k}: {v}" for k, v in errors.items() if k not in FILTER_FIELDS],
    }
    partial = wants_partial(request) and request.GET.get("partial")
    template = "cmdb/ci_list.html#queue" if partial else "cmdb/ci_list.html"
    return render(request, template, context)


def _open_work(actor: Actor, ci: Any) -> list[selectors.WorkList]:
    """The CI's open incidents, problems and changes, each app deciding what the actor sees."""
    return selectors.open_work(
        ci,
        incidents=incident_selectors.incident_visible(actor),
        problems=problem_selectors.problem_visible(actor),
        changes=change_selectors.change_visible(actor),
    )


def detail_context(actor: Actor, ci: Any, past: Any = None, timeline: Any = None) -> dict[str, Any]:
    """Everything the CI page shows: ``ci`` now, or as it was (``past``, read-only); its
    forms fresh (``web.forms.submit`` puts a failed one in place of its own); ``timeline``
    a page of its history (default: the newest changes)."""
    shown = past.ci if past else ci
    tree = selectors.class_tree()
    schema = tree.schema(tree.by_id[shown.ci_class_id])
    attributes = [
        ({**spec, "label": attribute_label(spec)}, shown.attributes.get(name))
        for name, spec in schema.items()
    ]
    can = selectors.ci_capabilities(actor, ci, past=past is not None)
    return {
        "ci": shown,
        "past": past,
        "chain": tree.chain(tree.by_id[shown.ci_class_id]),
        "attributes": attributes,
        "relationships": (
            {"outgoing": past.outgoing, "incoming": past.incoming}
            if past
            else selectors.ci_relationships(actor, ci)
        ),
        "timeline": timeline if timeline is not None else history.ci_timeline(actor, ci),
        "open_work": None if past else _open_work(actor, ci),
        "can": can,
        "rel_form": (
            RelationshipForm(types=selectors.relationship_types()) if can.can_relate else None
        ),
    }


@login_required
@require_GET
def ci_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A CI: facts, attributes in its class's order, relationships; the impact panel loads
    separately."""
    actor = request.actor
    ci = selectors.ci_get(actor, number=number)  # absent or invisible: the 404 page
    past, error, status = None, "", 200
    raw = request.GET.get("as_of", "")
    try:
        at = parse_as_of(raw)
        past = ci_as_of(actor, number, at) if at else None
    except DomainError as exc:  # a bad date (422), or before the CI existed (404)
        error, status = exc.message, exc.status
    # the history is paged (keyset): ``history`` is the cursor "Older changes" gave
    history_error = ""
    try:
        timeline = history.ci_timeline(actor, ci, cursor=request.GET.get("history") or None)
    except DomainError as exc:  # a cursor no page gave: the newest changes, and why
        history_error, status = gettext(HISTORY_CURSOR_REFUSED), exc.status
        timeline = history.ci_timeline(actor, ci)
    context = detail_context(actor, ci, past=past, timeline=timeline)
    context |= {"as_of_raw": raw, "as_of_error": error, "history_error": history_error}
    # the impact tab the page opens on: "down" when the person followed (or opened in a tab
    # of its own) "What it depends on"; the panel itself is a fragment htmx loads
    context["impact_direction"] = "down" if request.GET.get("impact") == "down" else "up"
    return render(request, DETAIL, context, status=status)


@login_required
@require_GET
def ci_impact(request: HttpRequest, number: str) -> HttpResponse:
    """The impact panel (a fragment): who is hit if this CI fails, or what it needs."""
    actor = request.actor
    params, _unread = parse(ImpactParams, request.GET)  # a depth that is no number: the default
    try:
        result = selectors.impact(actor, number=number, **params.dict())
    except NotFound:
        raise  # the 404 page
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain")
    context = {"impact": result}
    return render(request, "cmdb/_impact.html", context)


@login_required
@require_GET
def ci_map(request: HttpRequest, number: str) -> HttpResponse:
    """The service map: the CI's neighbourhood as an SVG laid out in rings by depth."""
    actor = request.actor
    params, _unread = parse(MapParams, request.GET)
    depth = params.depth
    hood = selectors.service_map(actor, number=number, depth=depth)  # NotFound: the 404 page
    context = {
        "ci": hood.center,
        "depth": depth,
        "map": servicemap.layout(hood),
        "legend": [(label, STATUS_COLOURS[value]) for value, label in CIStatus.choices],
    }
    return render(request, "cmdb/ci_map.html", context)
