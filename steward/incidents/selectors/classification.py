"""The priority matrix and the category tree incidents are classified by."""

from __future__ import annotations

from steward.core import stamps
from steward.incidents.models import Category, PriorityRule


def _load_matrix() -> dict[tuple[int, int], int]:
    return {(r.impact, r.urgency): r.priority for r in PriorityRule.objects.all()}


# per process, reloaded when a rule changes (the rules bump the stamp: apps.py)
_matrix = stamps.Versioned(stamps.INCIDENT_CONFIG, _load_matrix)


def priority_for(impact: int, urgency: int) -> int:
    """The matrix's priority; the ITIL default if the cell was deleted."""
    priority = _matrix.get().get((impact, urgency))
    if priority is not None:
        return priority
    return min(5, impact + urgency - 1)


def priority_matrix() -> dict[tuple[int, int], int]:
    return dict(_matrix.get())


def category_list(*, parent: str | None = None) -> list[Category]:
    qs = Category.objects.filter(is_active=True).select_related("parent")
    if parent is not None:
        qs = qs.filter(parent__slug=parent) if parent else qs.filter(parent__isnull=True)
    return list(qs.order_by("name"))
