"""What the change pages share beyond the web layer (``request.actor``, the error pages,
``web.forms.submit`` and the components): the plan fields and the filter refusals no field
of the page's form shows."""

from __future__ import annotations

from django.http import HttpRequest

from steward.changes.workflow import SCHEDULE
from steward.core.errors import NotFound

# the plan fields of a change (implementation, backout, test): filled in from a template
# on the form, never asked again by a status move
PLAN_FIELDS = [name for name in SCHEDULE if name.endswith("_plan")]


def agents_only(request: HttpRequest) -> None:
    """The change workspace's own pages are IT's: anyone else gets the page an unknown
    address gets."""
    if not request.actor.is_agent:
        raise NotFound()


def unplaced(refused: dict[str, list[str]], *, shown: tuple[str, ...]) -> str:
    """The refusals of list filters the page's form does not show (a link's ``limit``,
    ``cursor``, ``ci``…), for the message above the form; the others stand beside their
    fields."""
    return " ".join(
        f"{name}: {'; '.join(messages)}" if name != "__all__" else "; ".join(messages)
        for name, messages in refused.items()
        if name not in shown
    )
