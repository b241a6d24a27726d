"""A list's references named by scalar subqueries on their primary keys, not joins.

PostgreSQL plans a statement anew each time (Django binds parameters on the client), and
a page that joins eight to ten tables spends its time in the planner's join search: at
1,000,000 incidents the API queue's ten-table join planned in 300-570 ms (on a loaded
machine) and ran in 0.4 ms. With each name a correlated subquery the statement is one
relation to plan; each subquery is a primary-key probe per row of the page (decision 0018).
"""

from __future__ import annotations

from django.db.models import Model, OuterRef, QuerySet, Subquery

# the name a row carries → (the referenced model, the row's key column, the field shown)
References = dict[str, tuple[type[Model], str, str]]


def with_references(qs: QuerySet, references: References) -> QuerySet:
    """``qs`` with each reference's shown field as a scalar subquery named as given."""
    return qs.annotate(
        **{
            name: Subquery(model.objects.filter(pk=OuterRef(key)).values(field)[:1])
            for name, (model, key, field) in references.items()
        }
    )


def named(model: type[Model], *paths: str) -> tuple[References, dict[str, str]]:
    """References for ``reference__field`` paths of ``model`` (one level deep), and the
    name each path's value carries in a row (``ref_reference_field``)."""
    refs: References = {}
    names = {}
    for path in paths:
        reference, shown = path.split("__")
        related = model._meta.get_field(reference)
        name = f"ref_{reference}_{shown}"
        refs[name] = (related.related_model, related.attname, shown)
        names[path] = name
    return refs, names
