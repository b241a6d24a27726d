"""The demo's changes and problems copied in SQL until there are ``changes`` and ``problems``:
each copy is its template with a new id and number and its times moved back by
``bench.incidents.million.SHIFT_HOURS`` per round (the incidents' spread); links (CIs,
approvals, incidents) are not copied: the reports read the rows alone."""

from __future__ import annotations

from bench.incidents import million

NUMBER = {"changes_change": "CHG", "problems_problem": "PRB"}
TIMES = {
    "changes_change": (
        "created_at", "updated_at", "planned_start", "planned_end", "actual_start",
        "actual_end", "closed_at",
    ),
    "problems_problem": ("created_at", "updated_at", "known_error_at", "resolved_at", "closed_at"),
}  # fmt: skip


def _grow(cursor, sql: million.Sql, model, total: int) -> int:  # noqa: ANN001
    table = model._meta.db_table
    cursor.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {table}")  # noqa: S608
    count, span = cursor.fetchone()
    if count >= total or span == 0:
        return count
    rounds = -(-total // span) - 1
    new_id = f"t.id + r.k * {span}"
    prefix = NUMBER[table]
    number = (
        f"'{prefix}' || lpad(({new_id})::text, 7, '0')"
        if sql.pg
        else f"'{prefix}' || printf('%07d', {new_id})"
    )
    cols = ["id", *million._columns(model)]
    out = []
    for col in cols:
        if col == "id":
            out.append(new_id)
        elif col == "number":
            out.append(number)
        elif col in TIMES[table]:
            out.append(sql.shifted(f"t.{col}"))
        else:
            out.append(f"t.{col}")
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(out)} "  # noqa: S608
        f"FROM ({sql.rounds(1, rounds)}) r, {table} t "
        f"WHERE t.id <= {span} AND {new_id} <= {total}"
    )
    if sql.pg:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {total})")
    cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
    return cursor.fetchone()[0]


def grow(changes: int, problems: int) -> dict:
    """Copies until there are ``changes`` changes and ``problems`` problems; their counts."""
    from django.db import connection, transaction

    from steward.changes.models import Change
    from steward.problems.models import Problem

    sql = million.Sql(connection.vendor)
    with transaction.atomic(), connection.cursor() as cursor:
        made = {
            "changes": _grow(cursor, sql, Change, changes),
            "problems": _grow(cursor, sql, Problem, problems),
        }
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return made
