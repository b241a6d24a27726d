"""The priority matrix and the category tree incidents are classified by."""

from __future__ import annotations

import copy

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


def _load_category(slug: str) -> Category | None:
    # its default team joined: a requester's incident is routed to it (services.routing)
    return Category.objects.select_related("default_team").filter(slug=slug).first()


# a create names its category by slug (issue 13, decision 0061): kept per process; a
# category's save or delete moves INCIDENT_CONFIG, its default team's TEAMS
_categories = stamps.Keyed((stamps.INCIDENT_CONFIG, stamps.TEAMS), _load_category, size=1024)


def category_by_slug(slug: str) -> Category | None:
    """The category (or subcategory) ``slug``, active or not (the caller decides), a copy."""
    found = _categories.get(slug)
    return copy.copy(found) if found is not None else None


def priority_matrix() -> dict[tuple[int, int], int]:
    return dict(_matrix.get())


def category_list(*, parent: str | None = None) -> list[Category]:
    qs = Category.objects.filter(is_active=True).select_related("parent")
    if parent is not None:
        qs = qs.filter(parent__slug=parent) if parent else qs.filter(parent__isnull=True)
    return list(qs.order_by("name"))


def category_choices() -> list[Category]:
    """Active categories as one select lists them: each category followed by its own
    subcategories, both by name ("Access", "Access › Account locked", …, "Database"), not
    every row by its own name, which scattered "Network › VPN" among the other categories'
    subcategories."""
    rows = category_list()
    top = {c.pk: c.name.casefold() for c in rows if c.parent_id is None}

    def place(c: Category) -> tuple:
        if c.parent_id is None:
            return (c.name.casefold(), c.pk, "")
        return (top.get(c.parent_id, c.parent.name.casefold()), c.parent_id, c.name.casefold())

    return sorted(rows, key=place)


def category_suggest(*, q: str, limit: int = 10) -> list[Category]:
    """Active categories and subcategories whose name or slug contains every word of ``q``
    (a picker's choices; everyone may read the categories), by name."""
    from django.db.models import Q

    qs = Category.objects.filter(is_active=True).select_related("parent")
    for word in q.split()[:4]:
        qs = qs.filter(Q(name__icontains=word) | Q(slug__icontains=word))
    return list(qs.order_by("name", "id")[:limit])
