"""The incident page's record read as one row from SQL compiled once per process, then put
back together as the model the page's template, forms and tags already read.

``incident_get`` compiles a ten-table queryset (``_with_relations``, ``follow_visible``) on
every request: a third of the page's time in process (decision 0063). Here the incident's
own columns and each related object's shown fields (scalar subqueries on their keys, as
``rows.incident_shown`` reads them for the API) come from one compiled statement, and the
related objects are built from them holding only those fields (``core.selectors.shells``):
the page reads ``str(caller)``, ``team.slug``, ``configuration_item.number`` as before,
with no query. The page equals ``incident_get``'s (tests/incidents/test_detail_rows.py).
As for the API, actors who see only part of the records keep the model path: a parent or
CI they may not see must read as none, which ``follow_visible`` settles with its visible
querysets.
"""

from __future__ import annotations

from django.db.models import QuerySet

from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.selectors import compiled, shells
from steward.core.selectors.scoping import sees_everything
from steward.core.selectors.shells import Shape
from steward.incidents.models import Incident
from steward.incidents.selectors.records import incident_get
from steward.sla import selectors as sla_selectors

_PEOPLE = ("username", "first_name", "last_name")  # what ``User.__str__`` reads
# each reference the page shows → the fields it reads of it
SHAPE = Shape(
    Incident,
    {
        "caller": _PEOPLE,
        "organisation": ("name",),
        "category": ("name",),
        "subcategory": ("name",),
        "team": ("slug", "name"),
        "assignee": _PEOPLE,
        "affected_service": ("number", "name"),
        "configuration_item": ("number", "name"),
        "parent": ("number",),
    },
)


def _page_row(number: str) -> QuerySet:
    return SHAPE.values(Incident.objects.filter(number=number))[:1]


def incident_page(actor: Actor, *, number: str) -> Incident:
    """The incident the page shows, as ``incident_get`` gives it (its related objects, its
    SLA clocks; ``NotFound`` for absent and invisible alike): for actors who see every
    incident two statements compiled once per process, else ``incident_get``."""
    if not shells.BUILT or not sees_everything(actor):
        return incident_get(actor, number=number)
    found = SHAPE.built(compiled.rows("incidents.page", _page_row, number=number))
    if not found:
        raise NotFound()
    incident = found[0]
    clocks = sla_selectors.clock_statuses_by_id(Incident, [incident.pk])
    incident.sla_clocks = clocks.get(str(incident.pk), [])
    return incident
