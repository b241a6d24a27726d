"""Decision 0100: the import's SQLite inserts are written with ``?`` and sent past the
backend's ``%s`` → ``?`` rewrite, still through the connection's execute wrappers and its
error wrapping; a created CI's defaults are plain values. The rows written are pinned by
``test_import_rows_unchanged`` (old ``executemany`` path beside this one) and
``test_import_fast_paths`` (the audit text against ``json.dumps`` of the dict path)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.backends.sqlite3.base import SQLiteCursorWrapper
from django.test.utils import CaptureQueriesContext

from steward.cmdb.imports import apply, import_cis, sql
from steward.cmdb.models import ConfigurationItem

pytestmark = pytest.mark.django_db

TABLES = ('"cmdb_configurationitem"', '"cmdb_ci_identifier"', '"core_auditentry"')


def _rows(count: int, prefix: str = "n") -> list[dict]:
    return [
        {"ci_class": "server", "name": f"{prefix}{i}", "fqdn": f"{prefix}{i}.example.com"}
        for i in range(count)
    ]


def _inserts(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith("INSERT INTO") and s.split()[2] in TABLES]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_inserts_skip_the_placeholder_rewrite_but_not_the_wrappers(asset_manager):
    seen: list[str] = []

    def wrapper(execute, sql_text, params, many, context):  # noqa: ANN001, ANN202
        seen.append(sql_text)
        return execute(sql_text, params, many, context)

    convert = SQLiteCursorWrapper.convert_query
    with (
        mock.patch.object(
            SQLiteCursorWrapper, "convert_query", autospec=True, side_effect=convert
        ) as rewritten,
        mock.patch.object(sql, "VALUES_PARAMETERS", 10 * 17),
        connection.execute_wrapper(wrapper),
    ):
        report = import_cis(asset_manager, _rows(25), source="discovery")
    assert report.counts["create"] == 25
    inserts = _inserts(seen)
    # CIs 10 + 10 + 5, identifiers in one, audit rows 17 + 8: all seen by the wrapper, as ``?``
    assert [s.split()[2] for s in inserts] == [*[TABLES[0]] * 3, TABLES[1], *[TABLES[2]] * 2]
    assert all("?" in s and "%s" not in s for s in inserts)
    assert not _inserts([call.args[1] for call in rewritten.call_args_list])
    assert ConfigurationItem.objects.filter(name__startswith="n").count() == 25

    # the database's errors still arrive as Django's
    number = ConfigurationItem.objects.values_list("number", flat=True).first()
    fields = ("number", "ci_class", "name", "attributes", "attribute_sources", "version")
    fields += ("created_at", "updated_at", "description", "status", "environment")
    fields += ("criticality", "software_version")
    ci = ConfigurationItem.objects.get(number=number)
    row = (number, ci.ci_class_id, "dup", "{}", "{}", 1, "2026-01-01 00:00:00")
    row += ("2026-01-01 00:00:00", "", "live", "production", 3, "")
    with pytest.raises(IntegrityError), transaction.atomic():
        sql.insert(ConfigurationItem, fields, [row])

    # the query log formats a statement with ``%``: with queries logged, the ``%s`` form
    with CaptureQueriesContext(connection) as captured:
        assert import_cis(asset_manager, _rows(3, "m"), source="discovery").counts["create"] == 3
    logged = _inserts([q["sql"] for q in captured])
    assert len(logged) == 3
    assert all("?" not in s and "m0" in s for s in logged)  # values written in


def test_a_created_cis_defaults_are_plain_values():
    """``_json`` writes plain ``str``/``int``/``None`` itself; an enum member (the
    model's ``Criticality.MEDIUM``) went through ``json.dumps``'s Python encoder."""
    defaults = {n: ConfigurationItem._meta.get_field(n).get_default() for n in apply.WRITTEN}
    assert tuple(defaults[n] for n in apply.WRITTEN) == apply.DEFAULT_VALUES
    assert {type(v) for v in apply.DEFAULT_VALUES} <= {str, int, type(None)}
