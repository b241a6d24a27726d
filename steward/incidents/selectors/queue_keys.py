"""The queue's page keys first (decision 0042): the ids of a page, a page and one more, read
in order from the indexes that hold each part of the list in that order, merged in SQL;
the rows are then read by id (``rows.incident_rows_of``, ``rows.queue_rows_of``)."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import QuerySet

from steward.core.errors import ValidationFailed
from steward.core.pagination import MAX_LIMIT, after_cursor
from steward.incidents.choices import QueueOrder
from steward.incidents.models import Incident

FIRST_PAGES = 512  # first-page statements kept per process (all dropped when full)
first_pages: dict[tuple, tuple[str, list] | None] = {}


def parts(queue: str, teams: list[int], order: str) -> list[dict[str, int]]:
    """Equalities that split the list into parts, each read in ``order`` from an index that
    holds it in that order (their union is the list): an agent's teams (``inc_team_queue``),
    or the whole list's open and closed work in priority order (``inc_open_queue``)."""
    if queue == "my_teams" and len(teams) > 1:
        return [{"team_id": team} for team in teams]
    if queue == "all" and order == QueueOrder.PRIORITY.value:
        return [{"is_open": 1}, {"is_open": 0}]  # ``is_open`` is 1 or 0, never null
    return [{}]


def keys_statement(
    qs: QuerySet[Incident],
    parts: list[dict[str, int]],
    *,
    order: tuple[str, ...],
    cursor: str | None,
    size: int,
) -> tuple[str, list] | None:
    """The statement of ``qs``'s page after ``cursor`` in ``order``: its ids, a page and one
    more, keys only (no references, no sort of wide rows); None when nothing can match.
    Each part is read after the cursor, in order, at most a page and one more (an index
    range read when an index holds the part in that order); several parts are merged by
    the same ``ORDER BY`` over their union, in SQL, as the one statement sorted them."""
    if not 1 <= size <= MAX_LIMIT:
        raise ValidationFailed.one("limit", f"must be between 1 and {MAX_LIMIT}")
    fields = [name.lstrip("-") for name in order]
    columns = ["id", *(name for name in fields if name != "id")]
    branches = []
    for part in parts:
        branch = after_cursor(qs.filter(**part), order=order, cursor=cursor)
        try:
            sql, values = (
                branch.order_by(*order).values_list(*columns)[: size + 1].query.sql_with_params()
            )
        except EmptyResultSet:  # e.g. an agent in no team: the part holds nothing
            continue
        branches.append((sql, list(values)))
    if not branches:
        return None
    if len(branches) == 1:
        return branches[0]
    quote = connections[qs.db].ops.quote_name
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) AS part_{n}"  # noqa: S608 - Django's SQL, values as params
        for n, (sql, _) in enumerate(branches)
    )
    by = ", ".join(
        f"{quote(name.lstrip('-'))} {'DESC' if name.startswith('-') else 'ASC'}" for name in order
    )
    sql = f"SELECT {quote('id')} FROM ({union}) AS page ORDER BY {by} LIMIT {size + 1}"  # noqa: S608
    return sql, [value for _, values in branches for value in values]


def as_ids(statement: tuple[str, list] | None) -> tuple[str, list] | None:
    """The keys statement as a subquery of one column, the ids (the rows' ``IN``)."""
    if statement is None:
        return None
    sql, params = statement
    quote = connection.ops.quote_name
    return f"SELECT {quote('id')} FROM ({sql}) AS {quote('page_keys')}", params  # noqa: S608


def run_keys(statement: tuple[str, list] | None, *, size: int) -> tuple[list[int], bool]:
    """The page's ids (at most ``size``) and whether more follow."""
    if statement is None:
        return [], False
    with connection.cursor() as found:
        found.execute(*statement)
        ids = [row[0] for row in found.fetchall()]
    return ids[:size], len(ids) > size
