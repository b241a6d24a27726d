"""The incident queue: tabs, the shared filter bar, the rows and the agents' tools; htmx
swaps the bar and the rows together, so a refused filter shows beside its field and clears
the same way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from steward.core import selectors as core_selectors
from steward.core.errors import DomainError
from steward.incidents import selectors
from steward.incidents.choices import Queue, QueueOrder
from steward.incidents.filters import IncidentFilters
from steward.incidents.forms import BulkForm, QueueFilterForm, SavedViewForm
from steward.incidents.views.queue_linked import NAMING, Linked, linked_filters, page_query
from steward.web.forms import wants_partial
from steward.web.links import link

if TYPE_CHECKING:
    from steward.core.actor import Actor
    from steward.core.models import Team

QUEUE = "incidents/queue.html"
# A requester's queue is only ever their own incidents: the agents' tabs would all be empty.
REQUESTER_QUEUE_LABELS = {Queue.OPEN.value: _("Open"), Queue.ALL.value: _("Everything")}
# A record page's parameter naming the queue it was opened from (the queue's query string):
# its "← Incidents" and its saved forms lead back there (docs/incidents.md)
BACK = "back"
BACK_LIMIT = 4000  # characters: more than any query the queue's own bar writes


class QueueRead(NamedTuple):
    """A queue's query as the page takes it: the parsed filters, a message per refused one,
    the selector's arguments, the teams the bar offers, the bar's values and the linked
    filters read back through the reader's scope."""

    filters: IncidentFilters
    errors: dict[str, str]
    params: dict[str, Any]
    teams: Sequence[Team]
    bar: dict[str, Any]
    linked: Linked


def read_queue(actor: Actor, query: QueryDict) -> QueueRead:
    """The queue ``query`` asks for, read by the API's filter schema: an empty value means
    "any", a refused one is left out and named; a team only if the bar offers it, a linked
    filter only as the reader sees it (decision 0118)."""
    agent = actor.is_agent
    filters, errors = IncidentFilters.from_query(query)
    params = filters.selector_args(default_queue=Queue.MY_TEAMS if agent else Queue.ALL)
    if not agent and not query.get("order"):
        params["order"] = QueueOrder.NEWEST.value  # a caller looks for what she just reported
    teams = core_selectors.team_choices(actor) if agent else ()
    bar = {
        **{name: getattr(filters, name) for name in ("q", "status", "priority")},
        "queue": params["queue"],
        "order": params["order"],
        # only a team the bar offers: the chips' addresses repeat no value it cannot show
        "team": filters.team if any(t.slug == filters.team for t in teams) else "",
    }
    linked = linked_filters(actor, filters, bar, link("incidents:list"))
    # a filter naming what the reader cannot see (or nothing) is left out of the rows too
    params.update({name: linked.values[name] for name in NAMING})
    return QueueRead(filters, errors, params, teams, bar, linked)


def back_query(actor: Actor, text: str) -> str:
    """The queue to go back to from a record page opened from it (its ``back`` parameter):
    the query rebuilt from the filters as the reader's queue takes them (``page_query``),
    never the parameter's own text, so the way back is only ever this site's queue with
    its known filters; "" for none (or a text longer than any queue's address)."""
    if not text or len(text) > BACK_LIMIT:
        return ""
    read = read_queue(actor, QueryDict(text))
    return page_query(read.bar, read.linked)


def back_suffix(back: str) -> str:
    """``?back=…`` for a record's address opened from the queue ``back`` ("" for none)."""
    return f"?{urlencode({BACK: back})}" if back else ""


def queue_context(request: HttpRequest) -> dict:
    """The queue the query string asks for (``read_queue``): a refused filter is named beside
    its field, never shown instead of the rows."""
    actor = request.actor
    agent = actor.is_agent
    filters, errors, params, teams, bar, linked = read_queue(actor, request.GET)
    records_url = link("incidents:list")
    try:
        page = selectors.incident_list(actor, **params, shown=True)
    except DomainError as exc:  # the selector's own checks, should a filter slip past
        errors.update({name: messages[0] for name, messages in exc.fields.items()})
        errors.setdefault("query", exc.message)
        page = None
    # a value for each field of the bar (``QueueFilterForm``'s, so ``_filters_key`` has them
    # all); a refused filter the bar has no field for (from a typed URL) is named above it
    values = {
        **{name: request.GET.get(name, "") for name in QueueFilterForm.base_fields},
        "queue": params["queue"],
        "order": params["order"] if "order" not in errors else request.GET.get("order"),
        **linked.values,  # read back through the reader's scope, never the query's text
    }

    def filter_form() -> QueueFilterForm:
        form = QueueFilterForm(values, teams=teams, agent=agent)
        form.show_errors(errors)
        return form

    shown = QueueFilterForm.field_names(agent=agent)
    query = page_query(bar, linked)
    # a filtered queue's rows open their records with the way back to it; the default
    # queue's need none (the record page's link goes there anyway)
    filtered = any(name != "partial" for name in request.GET)
    return {
        "page": page,
        "params": params,
        # built only when the filter bar is drawn: it is kept under ``filters_key``, all it
        # shows (with the language, which {% kept %} adds): decision 0075
        "filters": SimpleLazyObject(filter_form),
        "filters_key": _filters_key(agent, teams, values, errors),
        "other_errors": [
            f"{name}: {message}" for name, message in errors.items() if name not in shown
        ],
        "queues": dict(Queue.choices) if agent else REQUESTER_QUEUE_LABELS,
        "records_url": records_url,  # the rows' links: /incidents/<number>/
        "row_back": back_suffix(query) if filtered else "",  # …/<number>/?back=<the queue>
        "can_work_queue": agent,  # bulk actions, taking and saved views are the agents'
        "takeable": selectors.incidents_takeable(actor, page.items if page else []),
        # a tick box where a bulk action can act: the rule its service asks (decision 0118)
        "selectable": selectors.incidents_selectable(actor, page.items if page else []),
        "saved_views": selectors.saved_views(actor) if agent else [],
        "bulk_form": BulkForm(initial={"next": f"{records_url}?{query}"}),
        "save_view_form": SavedViewForm(initial={"query": query}),
        "linked": linked,
    }


def _filters_key(agent: bool, teams: Iterable[Team], values: dict, errors: dict) -> tuple:
    """What the filter bar (``QueueFilterForm`` in ``components/filter_bar.html``) is drawn
    from: the reader's role (requesters have no team filter), the teams offered, the value of
    each of the form's fields (taken from the form, so a field added to it is in the key:
    a value missing from ``values`` is a ``KeyError``, not a bar kept without it) and the
    messages beside them. Another input of the bar (``QueueFilterForm(…)``'s arguments) must
    go in here."""
    return (
        agent,
        tuple((team.slug, team.name) for team in teams),
        tuple((name, values[name]) for name in QueueFilterForm.base_fields),
        tuple(sorted((name, str(message)) for name, message in errors.items())),
    )


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    """A queue with filters and sorting; htmx swaps the filter bar and the rows."""
    partial = wants_partial(request) and request.GET.get("partial")
    return render(request, f"{QUEUE}#queue" if partial else QUEUE, queue_context(request))
