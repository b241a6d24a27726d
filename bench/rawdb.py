"""The same rows with the plain driver: the floor the application's figures are measured against.

Both operations run against the benchmark's own database (same schema, indexes and the
audit log's triggers), with the durability Steward configures: SQLite in WAL mode with
``synchronous=FULL`` and ``BEGIN IMMEDIATE``; PostgreSQL with its default synchronous commit.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from pathlib import Path

from bench.load import Op, OpFactory

SELECT_USER = "SELECT * FROM core_user WHERE username = %s"
INSERT_TEAM = (
    "INSERT INTO core_team (version, created_at, updated_at, name, slug, description, email,"
    " is_active, lead_id, organisation_id) VALUES (1, %s, %s, %s, %s, '', '', %s, NULL, NULL)"
    " RETURNING id"
)
INSERT_AUDIT = (
    "INSERT INTO core_auditentry (at, actor_id, actor_label, channel, request_id,"
    " content_type_id, object_id, object_repr, action, changes)"
    " VALUES (%s, %s, %s, 'api', %s, %s, %s, %s, 'create', %s)"
)
INSERT_OUTBOX = (
    "INSERT INTO core_outboxmessage (topic, object_type, object_id, payload, created_at,"
    " dispatched_at, attempts, last_error) VALUES ('team.created', 'core.team', %s, %s, %s,"
    " NULL, 0, '')"
)
LOOKUP = (
    "SELECT u.id, ct.id FROM core_user u, django_content_type ct"
    " WHERE u.username = %s AND ct.app_label = 'core' AND ct.model = 'team'"
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _changes(name: str, slug: str) -> dict:
    """What ``team_create`` writes to the audit log for a team without members."""
    fields = {"name": name, "slug": slug, "description": "", "email": "", "organisation": None}
    fields |= {"lead": None, "is_active": True, "members": []}
    return {key: [None, value] for key, value in sorted(fields.items())}


def _team_rows(index: int, seq: int) -> tuple[str, str, str]:
    request_id = uuid.uuid4().hex
    name = f"raw {request_id[:8]}-{index}-{seq}"
    return name, name.replace(" ", "-"), request_id


def sqlite_factory(path: Path, username: str, *, write: bool) -> OpFactory:
    def factory(index: int) -> Op:
        conn = sqlite3.connect(path, isolation_level=None, timeout=20)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("PRAGMA busy_timeout=20000")
        user_id, team_type = conn.execute(LOOKUP.replace("%s", "?"), (username,)).fetchone()

        def stamp() -> str:  # how Django stores an aware datetime in SQLite
            return _now().replace(tzinfo=None).isoformat(" ")

        def read(seq: int) -> str | None:
            row = conn.execute(SELECT_USER.replace("%s", "?"), (username,)).fetchone()
            return None if row else "no row"

        def insert(seq: int) -> str | None:
            name, slug, request_id = _team_rows(index, seq)
            try:
                conn.execute("BEGIN IMMEDIATE")
                now = stamp()
                team = conn.execute(INSERT_TEAM.replace("%s", "?"), (now, now, name, slug, True))
                team_id = str(team.fetchone()[0])
                changes = json.dumps(_changes(name, slug))
                audit = (now, user_id, username, request_id, team_type, team_id, name, changes)
                conn.execute(INSERT_AUDIT.replace("%s", "?"), audit)
                conn.execute(INSERT_OUTBOX.replace("%s", "?"), (team_id, "{}", now))
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                return f"{type(exc).__name__}: {exc}"
            return None

        return insert if write else read

    return factory


def postgres_factory(url: str, username: str, *, write: bool) -> OpFactory:
    def factory(index: int) -> Op:
        import psycopg
        from psycopg.types.json import Jsonb

        conn = psycopg.connect(url, autocommit=True)
        user_id, team_type = conn.execute(LOOKUP, (username,)).fetchone()

        def read(seq: int) -> str | None:
            row = conn.execute(SELECT_USER, (username,)).fetchone()
            return None if row else "no row"

        def insert(seq: int) -> str | None:
            name, slug, request_id = _team_rows(index, seq)
            try:
                with conn.transaction():
                    now = _now()
                    team_id = str(
                        conn.execute(INSERT_TEAM, (now, now, name, slug, True)).fetchone()[0]
                    )
                    changes = Jsonb(_changes(name, slug))
                    audit = (now, user_id, username, request_id, team_type, team_id, name, changes)
                    conn.execute(INSERT_AUDIT, audit)
                    conn.execute(INSERT_OUTBOX, (team_id, Jsonb({}), now))
            except psycopg.Error as exc:
                return f"{type(exc).__name__}: {exc}"
            return None

        return insert if write else read

    return factory


def factory_for(server, *, write: bool) -> OpFactory:  # noqa: ANN001 - bench.server.Server
    if server.db == "postgres":
        return postgres_factory(server.database_url, "admin", write=write)
    return sqlite_factory(server.sqlite_path, "admin", write=write)


SELECT_INCIDENT = "SELECT * FROM incidents_incident WHERE number = %s"


def select_factory(server, sql: str, params: tuple) -> OpFactory:  # noqa: ANN001
    """One SELECT (``%s`` placeholders) with the plain driver, as a read's raw floor."""

    def factory(index: int) -> Op:
        if server.db == "postgres":
            import psycopg

            conn = psycopg.connect(server.database_url, autocommit=True)
            text = sql
        else:
            conn = sqlite3.connect(server.sqlite_path, isolation_level=None, timeout=20)
            text = sql.replace("%s", "?")

        def read(seq: int) -> str | None:
            return None if conn.execute(text, params).fetchone() else "no row"

        return read

    return factory
