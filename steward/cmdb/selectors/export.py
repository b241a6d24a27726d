"""CIs as CSV: the columns an import reads back, streamed page by page through the same
scoped, keyset-paginated selector as the list (what you can list is what you export).

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
tab or carriage return) get a leading ``'`` (OWASP's advice against CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from steward.cmdb import selectors
from steward.cmdb.models import CI_FIELDS
from steward.core.actor import Actor
from steward.core.pagination import Page

# the number, then the fields an import sets, as a person reads them: name and class first,
# the description (the longest cell) last
FIELD_COLUMNS = [
    "number",
    "name",
    "ci_class",
    *(f for f in CI_FIELDS if f not in ("name", "description")),
    "description",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAGE = 500


def safe_cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text, never evaluates."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def attribute_columns(ci_class: str = "") -> list[str]:
    """Every attribute any (or the given) class defines, sorted; prefixed with ``attr.``
    only where the name is also a CI field."""
    tree = selectors.class_tree()
    classes = [tree.by_slug[ci_class]] if ci_class in tree.by_slug else tree.by_slug.values()
    names = sorted({n for cls in classes for n in tree.schema(cls)})
    return [f"attr.{n}" if n in FIELD_COLUMNS else n for n in names]


def _row(ci: Any, attributes: list[str]) -> list[Any]:
    related = {
        "ci_class": ci.ci_class.slug,
        "owner_team": ci.owner_team.slug if ci.owner_team_id else "",
        "support_team": ci.support_team.slug if ci.support_team_id else "",
        "organisation": ci.organisation.slug if ci.organisation_id else "",
        "location": ci.location.name if ci.location_id else "",
    }
    values = [related[c] if c in related else getattr(ci, c) for c in FIELD_COLUMNS]
    values += [ci.attributes.get(a.removeprefix("attr.")) for a in attributes]
    return [safe_cell(v) for v in values]


def first_page(actor: Actor, filters: dict[str, Any], attrs: dict[str, str]) -> Page:
    """The first page, read before streaming starts so bad filters are still a 422."""
    return selectors.ci_list(actor, attrs=attrs, limit=PAGE, **filters)


def ci_csv(
    actor: Actor, filters: dict[str, Any], attrs: dict[str, str], page: Page
) -> Iterator[str]:
    """The header, then one line per visible CI matching ``filters``, a page at a time."""
    attributes = attribute_columns(filters.get("ci_class", ""))
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(FIELD_COLUMNS + attributes)
    yield flush()
    while True:
        for ci in page.items:
            writer.writerow(_row(ci, attributes))
        yield flush()
        if not page.next:
            return
        page = selectors.ci_list(
            actor, attrs=attrs, limit=PAGE, **(filters | {"cursor": page.next})
        )
