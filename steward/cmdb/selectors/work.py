"""Open work on a CI: the incidents, problems and changes that name it and are not done.

The CMDB does not decide who may see another app's records: the caller passes each app's
visible queryset (``incident_visible(actor)`` and kin), and this narrows them to the CI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from steward.changes.choices import TERMINAL_STATES as CHANGE_DONE
from steward.cmdb.models import ConfigurationItem
from steward.incidents.choices import OPEN_STATES as INCIDENT_OPEN
from steward.problems.choices import OPEN_STATES as PROBLEM_OPEN

# rows per kind on the CI page; more than this and the page says so
OPEN_WORK_ROWS = 20
SHOWN = ("id", "number", "title", "status", "created_at")


@dataclass(frozen=True)
class WorkList:
    """One kind of open record on a CI: its rows (newest first) and whether more exist."""

    kind: str
    title: str
    url_name: str
    rows: list[Any]
    more: bool


def _first(qs: QuerySet, limit: int) -> tuple[list[Any], bool]:
    rows = list(qs.only(*SHOWN).order_by("-created_at", "-id")[: limit + 1])
    return rows[:limit], len(rows) > limit


def open_work(
    ci: ConfigurationItem,
    *,
    incidents: QuerySet,
    problems: QuerySet,
    changes: QuerySet,
    limit: int = OPEN_WORK_ROWS,
) -> list[WorkList]:
    """The open incidents and problems whose CI or service is ``ci``, and the changes not
    closed or cancelled that touch or impact it: one query per kind, whatever the rows."""
    on_ci = Q(configuration_item=ci) | Q(affected_service=ci)
    kinds = (
        (
            "incidents",
            gettext("Incidents"),
            "incidents:detail",
            incidents.filter(on_ci, status__in=INCIDENT_OPEN),
        ),
        (
            "problems",
            gettext("Problems"),
            "problems:detail",
            problems.filter(on_ci, status__in=PROBLEM_OPEN),
        ),
        (
            "changes",
            gettext("Changes"),
            "changes:detail",
            changes.filter(Q(cis=ci) | Q(impacted_services=ci))
            .exclude(status__in=CHANGE_DONE)
            .distinct(),
        ),
    )
    return [WorkList(kind, title, url, *_first(qs, limit)) for kind, title, url, qs in kinds]
