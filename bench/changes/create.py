"""Creating a change with its risk computed, over HTTP, beside the same rows written with
the plain driver.

The HTTP scenario posts ``POST /api/v1/changes`` with a title, 1–3 random CIs of the estate
and an answer to every question of the seeded risk questionnaire; the server computes the
impacted services (the CMDB's upward walk per CI), the risk score and level, and writes the
change, its CI links, the audit row and the outbox event in one transaction.

The raw floor is that transaction's writes alone, on a plain connection: the number
sequence's ``UPDATE … RETURNING``, the change row, its 1–3 CI links, the audit row and the
outbox row, copied from a change the API created (same columns and payload sizes), with the
durability Steward configures (SQLite WAL + ``synchronous=FULL`` + ``BEGIN IMMEDIATE``;
PostgreSQL's default synchronous commit). It does not read anything: the risk and impact
reads are what the application adds on top.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from bench.load import Op, OpFactory

PATH = "/api/v1/changes"


def risk_answers() -> dict[str, list[str]]:
    """Every active question of the questionnaire and its answers' slugs (migration 0002)."""
    from steward.changes.models import RiskQuestion

    questions = RiskQuestion.objects.filter(is_active=True).prefetch_related("answers")
    return {q.slug: [a.slug for a in q.answers.all()] for q in questions}


def body_maker(cis: int, answers: dict[str, list[str]]) -> Callable[[str], dict]:
    """``body(unique)``: a change on 1–3 distinct random CIs with every question answered,
    chosen by a generator seeded with the request's unique string."""

    def body(unique: str) -> dict:
        rng = random.Random(unique)
        picked = rng.sample(range(cis), rng.randint(1, 3))
        return {
            "title": f"Bench change {unique}",
            "cis": [f"CI{i:07d}" for i in picked],
            "risk_answers": {question: rng.choice(slugs) for question, slugs in answers.items()},
        }

    return body


def api_client(headers: dict[str, str]) -> Callable[[dict], object]:
    """``post(body)`` in-process through Django's test client with the bearer token. One
    client for all calls: each new client loads the middleware again (WhiteNoise then
    rescans the static files), which a worker does once."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=headers["Authorization"])

    def post(body: dict) -> object:
        return client.post(PATH, json.dumps(body), content_type="application/json")

    return post


def one_create(post: Callable[[dict], object], body: dict) -> dict:
    """One ``POST /api/v1/changes`` in-process: its answer and the statements it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post(body | {"title": body["title"] + " (warm-up)"})  # first request: imports, caches
    with CaptureQueriesContext(connection) as ctx:
        response = post(body)
    if response.status_code != 201:
        raise RuntimeError(f"POST {PATH}: HTTP {response.status_code} {response.content[:300]!r}")
    # an executemany is logged as "<rows> times: <its SQL>": one statement, named by its SQL
    statements = [q["sql"].split(" times: ", 1)[-1] for q in ctx.captured_queries]
    writes = [s for s in statements if s.lstrip().split(" ", 1)[0].upper() in WRITE_VERBS]
    return {
        "answer": response.json(),
        "queries": len(statements),
        "writes": len(writes),
        "statements": statements,
    }


WRITE_VERBS = {"INSERT", "UPDATE", "DELETE"}


@dataclass
class Row:
    """One row as the product wrote it: the table, its columns, the driver-ready values."""

    table: str
    columns: list[str]
    values: list
    now_columns: list[int]  # auto_now / auto_now_add: stamped afresh on every insert

    def sql(self, returning: bool = False) -> str:
        marks = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})"  # noqa: S608
        return sql + (" RETURNING id" if returning else "")

    def params(self, now: object, **given: object) -> list:
        values = list(self.values)
        for i in self.now_columns:
            values[i] = now
        for column, value in given.items():
            values[self.columns.index(column)] = value
        return values


def _row(obj) -> Row:  # noqa: ANN001 - a model instance
    from django.db import connection

    columns, values, now_columns = [], [], []
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            now_columns.append(len(columns))
        columns.append(field.column)
        values.append(field.get_db_prep_save(getattr(obj, field.attname), connection))
    return Row(obj._meta.db_table, columns, values, now_columns)


@dataclass
class Rows:
    change: Row
    link: Row
    audit: Row
    outbox: Row
    sequence_table: str


def rows_of(number: str) -> Rows:
    """The rows the API wrote for change ``number``: the raw floor writes copies of them."""
    from django.contrib.contenttypes.models import ContentType

    from steward.changes.models import Change, ChangeCI
    from steward.core.models import AuditEntry, NumberSequence, OutboxMessage

    change = Change.objects.get(number=number)
    kind = ContentType.objects.get_for_model(Change)
    audit = AuditEntry.objects.filter(content_type=kind, object_id=str(change.pk)).latest("id")
    outbox = OutboxMessage.objects.filter(object_id=str(change.pk), topic="change.created")
    return Rows(
        change=_row(change),
        link=_row(ChangeCI.objects.filter(change=change).first()),
        audit=_row(audit),
        outbox=_row(outbox.latest("id")),
        sequence_table=NumberSequence._meta.db_table,
    )


def statements_for(rows: Rows, *, qmark: bool) -> dict[str, str]:
    """The raw transaction's statements; ``qmark``: sqlite3's ``?`` placeholders."""
    bump = f"UPDATE {rows.sequence_table} SET last = last + 1 WHERE prefix = 'CHG' RETURNING last"  # noqa: S608
    statements = {
        "bump": bump,
        "change": rows.change.sql(returning=True),
        "link": rows.link.sql(),
        "audit": rows.audit.sql(),
        "outbox": rows.outbox.sql(),
    }
    return {k: v.replace("%s", "?") for k, v in statements.items()} if qmark else statements


def write_one(cursor, statements: dict[str, str], rows: Rows, *, now, ci_ids: list[int]) -> int:  # noqa: ANN001 - a DB-API cursor, a driver-ready timestamp
    """The writes of one create on ``cursor`` (the caller holds the transaction): the
    number, the change, its CI links, the audit row, the outbox row. Returns the change id."""
    cursor.execute(statements["bump"])
    number = f"CHG{cursor.fetchone()[0]:07d}"
    cursor.execute(
        statements["change"], rows.change.params(now, number=number, title=f"raw {number}")
    )
    change_id = cursor.fetchone()[0]
    for ci_id in ci_ids:
        cursor.execute(statements["link"], rows.link.params(now, change_id=change_id, ci_id=ci_id))
    given = {"object_id": str(change_id), "request_id": uuid.uuid4().hex}
    cursor.execute(statements["audit"], rows.audit.params(now, **given))
    cursor.execute(statements["outbox"], rows.outbox.params(now, object_id=str(change_id)))
    return change_id


def driver_now(postgres: bool) -> object:
    """Now, as Django hands an aware datetime to each driver (SQLite: naive UTC text)."""
    stamp = dt.datetime.now(dt.UTC)
    return stamp if postgres else stamp.replace(tzinfo=None).isoformat(" ")


def raw_factory(server, rows: Rows, *, first_ci: int, cis: int) -> OpFactory:  # noqa: ANN001
    """The same writes with ``psycopg`` or ``sqlite3``: one transaction per operation."""
    postgres = server.db == "postgres"
    statements = statements_for(rows, qmark=not postgres)

    def factory(index: int) -> Op:
        rng = random.Random(index)
        if postgres:
            import psycopg

            conn = psycopg.connect(server.database_url, autocommit=True)
            errors: tuple[type[Exception], ...] = (psycopg.Error,)
        else:
            conn = sqlite3.connect(server.sqlite_path, isolation_level=None, timeout=20)
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
                conn.execute(f"PRAGMA {pragma}")
            conn.execute("PRAGMA busy_timeout=20000")
            errors = (sqlite3.Error,)
        cursor = conn.cursor()

        def write() -> None:
            ci_ids = [first_ci + i for i in rng.sample(range(cis), rng.randint(1, 3))]
            write_one(cursor, statements, rows, now=driver_now(postgres), ci_ids=ci_ids)

        def op(seq: int) -> str | None:
            try:
                if postgres:
                    with conn.transaction():
                        write()
                else:
                    cursor.execute("BEGIN IMMEDIATE")
                    try:
                        write()
                    except BaseException:
                        cursor.execute("ROLLBACK")
                        raise
                    cursor.execute("COMMIT")
            except errors as exc:
                return f"{type(exc).__name__}: {exc}"
            return None

        return op

    return factory
