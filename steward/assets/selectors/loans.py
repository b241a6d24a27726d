"""Reads of loans: open check-outs with a due-back date, and the overdue ones the asset
managers chase (the loans page and ``GET /api/v1/assets/loans`` share ``LoanFilters``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from steward.assets.models import Assignment, LoanReminder
from steward.assets.selectors.assets import asset_visible
from steward.core.actor import Actor
from steward.core.pagination import Page, paginate

ORDER = ("due_back", "id")  # the longest overdue first; the partial index ast_open_loan_due


def _open_loans() -> QuerySet[Assignment]:
    return Assignment.objects.filter(checked_in_at__isnull=True, due_back__isnull=False)


def loan_list(
    actor: Actor,
    *,
    overdue: bool | None = None,
    holder: str = "",
    cursor: str | None = None,
    limit: int | None = None,
    today: dt.date | None = None,
) -> Page:
    """A keyset page of the open loans of assets the actor may see, by due date; each row
    carries ``days_overdue`` (0 while not yet due). ``overdue`` true: only those due before
    today; false: only those not yet due. ``holder``: a username, or "me"."""
    today = today or timezone.localdate()
    qs = _open_loans().filter(asset__in=asset_visible(actor).values("pk"))
    if overdue is True:
        qs = qs.filter(due_back__lt=today)
    elif overdue is False:
        qs = qs.filter(due_back__gte=today)
    if holder == "me":
        qs = qs.filter(person_id=actor.user.pk if actor.user else None)
    elif holder:
        qs = qs.filter(person__username=holder)
    qs = qs.select_related("asset__model", "asset__owner_team", "person", "location")
    page = paginate(qs, order=ORDER, cursor=cursor, limit=limit)
    for loan in page.items:
        loan.days_overdue = max((today - loan.due_back).days, 0)
    return page


def loans_to_remind(today: dt.date) -> QuerySet[Assignment]:
    """Open loans due before ``today`` whose holder was not reminded for this due date yet
    (the worker)."""
    return (
        _open_loans()
        .filter(due_back__lt=today)
        .exclude(
            Exists(
                LoanReminder.objects.filter(
                    assignment=OuterRef("pk"), due_back=OuterRef("due_back")
                )
            )
        )
        .select_related("asset__owner_team", "person")
        .order_by(*ORDER)
    )
