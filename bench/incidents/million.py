"""A million incidents in plain SQL, from the demo's incidents as templates.

``steward demo`` writes a few thousand incidents through the product's bulk path
(``incidents_import``: priority, SLA clocks as of each history, audit rows) and their
comments. ``grow`` copies them inside the database, round after round (a recursive CTE on
SQLite, ``generate_series`` on PostgreSQL), until there are ``total``: each copy is its
template with a new id and number, its times moved back by ``SHIFT_HOURS`` per round, and
everything a read touches copied with it: SLA clocks, audit rows (the create's ``number``
value rewritten), comments, watchers, the search index row (built the way
``search_index.reindex`` builds it: number, title, description and public replies; internal
notes apart) and, on SQLite, the term table (decision 0016). Teams, assignees, priorities,
statuses and titles keep the demo's spread (85% closed, 7 teams).

Words: the titles and descriptions are the demo's (``vpn`` is in about 1 incident in 10,
``database`` in 1 in 9); every copy's description gets ``tagNNNNN`` (``id`` mod 100,000: 10
incidents each at 1,000,000, the selective word) and one of ``SITES`` (1 in 16 each).

``verify`` compares a sample of copies with their templates (the product's rows): the same
columns filled, the same clocks, audit actions and comments, and search finding them.
"""

from __future__ import annotations

import time

SHIFT_HOURS = 8  # a round's copies are this much older than the round before
SITES = [
    "amsterdam", "berlin", "chicago", "dublin", "essen", "frankfurt", "geneva", "hamburg",
    "istanbul", "jakarta", "kyoto", "lisbon", "madrid", "nairobi", "oslo", "paris",
]  # fmt: skip
SELECTIVE, COMMON = "tag04711", "vpn"
TIMES = {
    "incidents_incident": (
        "created_at", "updated_at", "opened_at", "first_response_at", "resolved_at", "closed_at"
    ),
    "sla_slaclock": (
        "started_at", "running_since", "due_at", "warn_at", "paused_at", "stopped_at",
        "updated_at",
    ),
    "core_comment": ("created_at",),
    "core_auditentry": ("at",),
}  # fmt: skip


class Sql:
    """The dialect's spelling of the few expressions that differ."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def rounds(self, first: int, last: int) -> str:
        if self.pg:
            return f"SELECT k FROM generate_series({first}, {last}) AS k"
        return (
            f"WITH RECURSIVE rr(k) AS (SELECT {first} UNION ALL SELECT k + 1 FROM rr "
            f"WHERE k < {last}) SELECT k FROM rr"
        )

    def shifted(self, col: str) -> str:
        if self.pg:
            return f"{col} - r.k * interval '{SHIFT_HOURS} hours'"
        return f"strftime('%Y-%m-%d %H:%M:%f', {col}, '-' || (r.k * {SHIFT_HOURS}) || ' hours')"

    def number(self, id_expr: str) -> str:
        if self.pg:
            return f"'INC' || lpad(({id_expr})::text, 7, '0')"
        return f"'INC' || printf('%07d', {id_expr})"

    def text_id(self, col: str, span: int) -> str:
        if self.pg:
            return f"({col}::bigint + r.k * {span})::text"
        return f"CAST(CAST({col} AS INTEGER) + r.k * {span} AS TEXT)"

    def as_int(self, col: str) -> str:
        return f"{col}::bigint" if self.pg else f"CAST({col} AS INTEGER)"

    def description(self, span: int) -> str:
        sites = "ARRAY[" + ", ".join(f"'{s}'" for s in SITES) + "]"
        new_id = f"(t.id + r.k * {span})"
        if self.pg:
            site = f"({sites})[(({new_id} % {len(SITES)}) + 1)::int]"
            tag = f"'tag' || lpad(({new_id} % 100000)::text, 5, '0')"
        else:
            cases = " ".join(f"WHEN {i} THEN '{s}'" for i, s in enumerate(SITES))
            site = f"CASE {new_id} % {len(SITES)} {cases} END"
            tag = f"'tag' || printf('%05d', {new_id} % 100000)"
        return f"ltrim(t.description || ' ' || {tag} || ' ' || {site})"

    def created_changes(self, number: str) -> str:
        if self.pg:
            return f"jsonb_set(t.changes, '{{number,1}}', to_jsonb({number}), false)"
        return f"json_replace(t.changes, '$.number[1]', {number})"


def _columns(model) -> list[str]:  # noqa: ANN001
    from django.db import models

    return [
        f.column
        for f in model._meta.concrete_fields
        if not f.primary_key and not isinstance(f, models.GeneratedField)
    ]


def _select(sql: Sql, table: str, columns: list[str], overrides: dict[str, str]) -> str:
    times = TIMES.get(table, ())
    out = []
    for col in columns:
        if col in overrides:
            out.append(overrides[col])
        elif col in times:
            out.append(sql.shifted(f"t.{col}"))
        else:
            out.append(f"t.{col}")
    return ", ".join(out)


def _copy_round(  # noqa: PLR0913
    cursor,  # noqa: ANN001
    sql: Sql,
    span: int,
    rounds_: tuple[int, int],
    ct: int,
    top: int,
    ends: dict,
) -> None:
    """Copies ``rounds_`` (first, last) of templates 1..span; ids above ``top`` are left out;
    ``ends`` holds each table's last template row id (copies come after it)."""
    first, last = rounds_
    from steward.core.models import AuditEntry, Comment
    from steward.incidents.models import Incident
    from steward.sla.models import SlaClock

    rounds = sql.rounds(first, last)
    new_id = f"t.id + r.k * {span}"
    cols = ["id", *_columns(Incident)]
    over = {
        "id": new_id,
        "number": sql.number(new_id),
        "description": sql.description(span),
        "parent_id": f"CASE WHEN t.parent_id IS NULL THEN NULL ELSE t.parent_id + r.k * {span} END",
    }
    keep = f"t.id + r.k * {span} <= {top}"
    cursor.execute(
        f"INSERT INTO incidents_incident ({', '.join(cols)}) "  # noqa: S608
        f"SELECT {_select(sql, 'incidents_incident', cols, over)} "
        f"FROM ({rounds}) r, incidents_incident t WHERE t.id BETWEEN 1 AND {span} AND {keep}"
    )
    obj = sql.text_id("t.object_id", span)
    of_template = f"t.content_type_id = {ct} AND {sql.as_int('t.object_id')} BETWEEN 1 AND {span}"
    kept = f"{sql.as_int('t.object_id')} + r.k * {span} <= {top}"
    for model in (SlaClock, Comment):
        table, cols = model._meta.db_table, _columns(model)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(cols)}) "  # noqa: S608
            f"SELECT {_select(sql, table, cols, {'object_id': obj})} "
            f"FROM ({rounds}) r, {table} t WHERE t.id <= {ends[table]} AND {of_template} "
            f"AND {kept} ORDER BY r.k, t.id"
        )
    cols = _columns(AuditEntry)
    number = sql.number(f"{sql.as_int('t.object_id')} + r.k * {span}")
    repr_ = f"{number} || substr(t.object_repr, 11)"
    changes = f"CASE WHEN t.action = 'create' THEN {sql.created_changes(number)} ELSE t.changes END"
    over = {"object_id": obj, "object_repr": repr_, "changes": changes}
    cursor.execute(
        f"INSERT INTO core_auditentry ({', '.join(cols)}) "  # noqa: S608
        f"SELECT {_select(sql, 'core_auditentry', cols, over)} "
        f"FROM ({rounds}) r, core_auditentry t WHERE t.id <= {ends['core_auditentry']} "
        f"AND {of_template} AND {kept} ORDER BY r.k, t.id"
    )
    cursor.execute(
        "INSERT INTO incidents_incident_watchers (incident_id, user_id) "  # noqa: S608
        f"SELECT t.incident_id + r.k * {span}, t.user_id FROM ({rounds}) r, "
        f"incidents_incident_watchers t WHERE t.incident_id BETWEEN 1 AND {span} "
        f"AND t.incident_id + r.k * {span} <= {top}"
    )


def _index(cursor, sql: Sql, span: int, lo: int, hi: int, ct: int) -> None:  # noqa: ANN001
    """The index rows of incidents ``lo..hi``: their text and their template's comments."""
    from steward.incidents.selectors.search import TABLE

    tid = f"((i.id - 1) % {span}) + 1"
    public = "i.number || ' ' || i.title || ' ' || i.description || coalesce(' ' || p.txt, '')"
    internal = "coalesce(n.txt, '')"
    if sql.pg:
        head = f"INSERT INTO {TABLE} (incident_id, public, internal) SELECT i.id, "
        public, internal = f"to_tsvector('simple', {public})", f"to_tsvector('simple', {internal})"
    else:
        head = f"INSERT INTO {TABLE} (rowid, public, internal) SELECT i.id, "
    cursor.execute(
        head + f"{public}, {internal} FROM incidents_incident i "  # noqa: S608
        f"LEFT JOIN bench_tpl_public p ON p.tid = {tid} "
        f"LEFT JOIN bench_tpl_internal n ON n.tid = {tid} WHERE i.id BETWEEN {lo} AND {hi}"
    )


def _template_texts(cursor, sql: Sql, span: int, ct: int) -> None:  # noqa: ANN001
    agg = "string_agg(body, ' ' ORDER BY id)" if sql.pg else "group_concat(body, ' ')"
    for name, internal in (("public", False), ("internal", True)):
        flag = ("true" if internal else "false") if sql.pg else str(int(internal))
        cursor.execute(f"DROP TABLE IF EXISTS bench_tpl_{name}")
        cursor.execute(
            f"CREATE TEMP TABLE bench_tpl_{name} AS SELECT {sql.as_int('object_id')} AS tid, "  # noqa: S608
            f"{agg} AS txt FROM (SELECT * FROM core_comment ORDER BY id) c "
            f"WHERE content_type_id = {ct} AND internal = {flag} AND "
            f"{sql.as_int('object_id')} BETWEEN 1 AND {span} GROUP BY 1"
        )


def _last_number(cursor, sql: Sql) -> int:  # noqa: ANN001
    """The last INC number given: PostgreSQL's sequence, else the numbering table's row."""
    from steward.core.numbering import SEQUENCED

    if sql.pg:
        cursor.execute(
            f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {SEQUENCED['INC']}"
        )  # noqa: S608
    else:
        cursor.execute("SELECT last FROM core_numbersequence WHERE prefix = 'INC'")
    row = cursor.fetchone()
    return row[0] if row else 0


def grow(total: int, *, step_rows: int = 100_000, progress=print) -> dict:  # noqa: ANN001
    """Copy the demo's incidents (ids 1..span) until there are ``total``; figures back."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from steward.incidents.models import Incident
    from steward.incidents.selectors.search import TABLE
    from steward.incidents.services import search_index

    sql = Sql(connection.vendor)
    ct = ContentType.objects.get_for_model(Incident).id
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id), count(*) FROM incidents_incident")
        lo, span, count = cursor.fetchone()
        last = _last_number(cursor, sql)
        ends = {}
        for table in ("sla_slaclock", "core_comment", "core_auditentry"):
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
            ends[table] = cursor.fetchone()[0]
    if (lo, count, last) != (1, span, span):
        raise RuntimeError(f"want the demo's incidents 1..N numbered INC0000001..: {lo, span}")
    began, figures = time.perf_counter(), {"templates": span, "steps": []}
    with connection.cursor() as cursor:
        if not sql.pg:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -400000")
        _template_texts(cursor, sql, span, ct)
        # the templates' own index rows, rebuilt as reindex would (demo comments bypass it)
        search_index.reindex(range(1, span + 1), terms=False)
        if sql.pg:  # GIN is built faster in one go than row by row
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute(f"DROP INDEX IF EXISTS {TABLE}_public")
            cursor.execute(f"DROP INDEX IF EXISTS {TABLE}_internal")
    per_step = max(1, step_rows // span)
    rounds = -(-total // span) - 1
    k = 1
    while k <= rounds:
        last_k = min(rounds, k + per_step - 1)
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            _copy_round(cursor, sql, span, (k, last_k), ct, total, ends)
            _index(cursor, sql, span, k * span + 1, min(total, (last_k + 1) * span), ct)
        made = min(total, (last_k + 1) * span)
        figures["steps"].append({"rows": made, "seconds": round(time.perf_counter() - t0, 1)})
        progress(f"   {made:,} incidents ({time.perf_counter() - began:.0f}s)")
        k = last_k + 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM incidents_incident")
        top = cursor.fetchone()[0]
        cursor.execute("UPDATE core_numbersequence SET last = %s WHERE prefix = 'INC'", [top])
        if sql.pg:
            # PostgreSQL numbers incidents from a sequence (steward.core.numbering)
            from steward.core.numbering import SEQUENCED

            cursor.execute("SELECT setval(%s, %s)", [SEQUENCED["INC"], top])
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('incidents_incident', 'id'), %s)", [top]
            )
            t0 = time.perf_counter()
            cursor.execute(f"CREATE INDEX {TABLE}_public ON {TABLE} USING GIN (public)")
            cursor.execute(f"CREATE INDEX {TABLE}_internal ON {TABLE} USING GIN (internal)")
            figures["gin_seconds"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    search_index.fill_terms(connection)
    figures["terms_seconds"] = round(time.perf_counter() - t0, 1)
    with connection.cursor() as cursor:  # what autovacuum would do after the load
        cursor.execute("VACUUM ANALYZE" if sql.pg else "ANALYZE")
        if not sql.pg:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    figures["seconds"] = round(time.perf_counter() - began, 1)
    figures["incidents_per_s"] = round((top - span) / figures["seconds"])
    return figures
