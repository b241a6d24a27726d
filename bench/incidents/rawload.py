"""The raw-database floor of the bulk load: the same rows with plain ``executemany``.

Shadow tables copy the schema of incidents, audit entries and comments (columns, indexes,
on SQLite also the foreign keys), so the driver does the same index maintenance Steward's
insert does. Values are converted to driver form beforehand, untimed; one transaction per
batch with the durability Steward uses (SQLite WAL + synchronous=FULL, PostgreSQL default).
"""

from __future__ import annotations

import json
import re
import sqlite3

TABLES = {  # real table -> shadow table
    "incidents_incident": "bench_raw_incident",
    "core_auditentry": "bench_raw_audit",
    "core_comment": "bench_raw_comment",
}


def _columns(model) -> list:  # noqa: ANN001 - a Django model
    return [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]


class Shadow:
    def __init__(self) -> None:
        from django.db import connection

        from steward.core.models import AuditEntry, Comment
        from steward.incidents.models import Incident

        self.vendor = connection.vendor
        self.fields = {"incident": _columns(Incident), "comment": _columns(Comment)}
        self.audit_fields = _columns(AuditEntry)
        settings = connection.settings_dict
        if self.vendor == "postgresql":
            import psycopg

            self.conn = psycopg.connect(
                dbname=settings["NAME"],
                user=settings["USER"],
                host=settings["HOST"],
                port=settings["PORT"] or 5432,
                autocommit=True,
            )
            for real, shadow in TABLES.items():
                self.conn.execute(f"CREATE TABLE {shadow} (LIKE {real} INCLUDING ALL)")
        else:
            self.conn = sqlite3.connect(settings["NAME"], isolation_level=None, timeout=20)
            for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
                self.conn.execute(f"PRAGMA {pragma}")
            for real, shadow in TABLES.items():
                for (sql,) in self.conn.execute(
                    "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
                    " AND type IN ('table', 'index') ORDER BY type DESC",
                    (real,),
                ):
                    sql = sql.replace(f'"{real}"', f'"{shadow}"')
                    sql = re.sub(r'INDEX "([^"]+)"', r'INDEX "raw_\1"', sql)
                    self.conn.execute(sql)
        self.sql = {
            name: self._insert(TABLES[table], [f.column for f in fields])
            for name, table, fields in (
                ("incident", "incidents_incident", self.fields["incident"]),
                ("comment", "core_comment", self.fields["comment"]),
                ("audit", "core_auditentry", self.audit_fields),
            )
        }

    def _insert(self, table: str, columns: list[str]) -> str:
        mark = "%s" if self.vendor == "postgresql" else "?"
        names = ", ".join(columns)
        return f"INSERT INTO {table} ({names}) VALUES ({', '.join([mark] * len(columns))})"  # noqa: S608

    def prepare(self, incidents: list, comments: list) -> dict[str, list[tuple]]:
        """Rows in the driver's form: Django's own conversion, so the values are identical."""
        from django.contrib.contenttypes.models import ContentType
        from django.core.serializers.json import DjangoJSONEncoder
        from django.db import connection

        from steward.core import audit
        from steward.incidents.services import AUDITED

        def values(obj, fields: list) -> tuple:  # noqa: ANN001
            return tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)

        ct = ContentType.objects.get_for_model(incidents[0]).pk if incidents else None
        audits = []
        for i in incidents:
            changes = {k: [None, v] for k, v in audit.snapshot(i, AUDITED).items()}
            row = {
                "at": i.created_at,
                "actor_id": None,
                "actor_label": "system:bench",
                "channel": "system",
                "request_id": "",
                "content_type_id": ct,
                "object_id": str(i.pk),
                "object_repr": str(i)[:200],
                "action": "create",
                "changes": json.dumps(changes, cls=DjangoJSONEncoder),
            }
            if self.vendor == "postgresql":
                from psycopg.types.json import Jsonb

                row["changes"] = Jsonb(
                    changes, dumps=lambda v: json.dumps(v, cls=DjangoJSONEncoder)
                )
            else:
                row["at"] = i.created_at.replace(tzinfo=None).isoformat(" ")
            audits.append(tuple(row[f.attname] for f in self.audit_fields))
        return {
            "incident": [values(i, self.fields["incident"]) for i in incidents],
            "audit": audits,
            "comment": [values(c, self.fields["comment"]) for c in comments],
        }

    def insert(self, prepared: dict[str, list[tuple]]) -> None:
        """One transaction: incidents, audit rows, comments (the timed part)."""
        if self.vendor == "postgresql":
            with self.conn.transaction(), self.conn.cursor() as cursor:
                for name in ("incident", "audit", "comment"):
                    cursor.executemany(self.sql[name], prepared[name])
            return
        self.conn.execute("BEGIN IMMEDIATE")
        for name in ("incident", "audit", "comment"):
            self.conn.executemany(self.sql[name], prepared[name])
        self.conn.execute("COMMIT")

    def describe(self) -> str:
        driver = "psycopg" if self.vendor == "postgresql" else "sqlite3"
        fks = "without" if self.vendor == "postgresql" else "with"
        return (
            f"plain {driver} executemany, same incident+audit+comment rows into shadow tables"
            f" with the same indexes ({fks} foreign keys), one transaction per batch"
        )

    def drop(self) -> None:
        for shadow in TABLES.values():
            self.conn.execute(f"DROP TABLE IF EXISTS {shadow}")
        self.conn.close()
