"""Rows given as tuples (``tuple_inserts.insert_rows``, decision 0052) are written as
``insert_many`` writes instances with the same values."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from steward.core import batch_rows, inserts
from steward.core.models import AuditEntry, OutboxMessage, Team
from steward.core.tuple_inserts import insert_rows

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
OUTBOX = ("topic", "object_type", "object_id", "payload", "next_attempt_at", "dispatched_at")
AUDIT = ("actor_id", "actor_label", "channel", "request_id", "content_type_id", "object_id")
AUDIT += ("object_repr", "action", "changes")
TIMES = [
    None,
    dt.datetime(2026, 3, 2, 9, 0, 5, 123456, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN),  # not UTC: the plan's prep
    dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(0))),  # UTC, another object
]


def _values(model, pk) -> dict:
    row = model.objects.filter(pk=pk).values().get()
    return {k: v for k, v in row.items() if k not in ("id", "at", "created_at")}


def _outbox_rows() -> list[tuple]:
    payloads = [{"a": [1, None, True]}, {"text": "tab\tline\nquote'\\"}, {}, {"n": 1.5}]
    return [
        (f"t.{k}", "core.team", f"{k}", payload, TIMES[k], TIMES[-1 - k])
        for k, payload in enumerate(payloads)
    ]


def _audit_rows(user) -> list[tuple]:
    ct = ContentType.objects.get_for_model(Team).pk
    return [
        (user.pk, user.username, "api", "r-1", ct, "7", "Désk", "create", {"name": [None, "x"]}),
        (None, "system", "system", "", ct, "8", "", "update", {}),
    ]


@pytest.mark.parametrize("keyed", [False, True], ids=["unkeyed", "keyed"])
def test_tuples_leave_the_rows_instances_leave(admin_user, keyed):
    for model, columns, rows in [
        (OutboxMessage, OUTBOX, _outbox_rows()),
        (AuditEntry, AUDIT, _audit_rows(admin_user)),
    ]:
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        if keyed:
            for obj, pk in zip(objs, inserts.reserve_ids(model, len(objs)), strict=True):
                obj.pk = pk
        inserts.insert_many(objs)
        ids = inserts.reserve_ids(model, len(rows)) if keyed else []
        given = [(pk, *row) for pk, row in zip(ids, rows, strict=True)] if keyed else rows
        insert_rows(model, ("id", *columns) if keyed else columns, given)
        pks = sorted(model.objects.values_list("pk", flat=True))[-2 * len(rows) :]
        by_instances, by_tuples = pks[: len(rows)], pks[len(rows) :]
        if keyed:
            assert by_instances == [o.pk for o in objs]
            assert by_tuples == ids
        assert [_values(model, pk) for pk in by_tuples] == [
            _values(model, pk) for pk in by_instances
        ]
        newest = model.objects.order_by("-pk").first()
        stamp = newest.at if model is AuditEntry else newest.created_at
        assert abs(stamp - timezone.now()) < dt.timedelta(minutes=1)


def test_the_parameters_are_the_plans_value_by_value(admin_user):
    """UTC times and text of any ``str`` class skip the plan's call (``batch_rows.prepare``):
    every value must still be the one the plan gives, of its type (on SQLite a time's
    text, on PostgreSQL the time itself; a choices member as it is; an int as text)."""
    from steward.core.choices import AuditAction

    compiled = inserts.compiled_insert(OutboxMessage, using="default", keyed=False)
    plan = batch_rows.plan_of(compiled)
    shape = batch_rows.shape_of(compiled)
    assert shape.times  # the two plain times at least
    assert shape.texts  # topic, object_type, object_id, last_error
    names = [f.attname for f in compiled.fields]
    rows = _outbox_rows()
    rows[1] = (AuditAction.CREATE, "core.team", 17, *rows[1][3:])  # a member, an int
    for row in rows:
        values = dict(zip(OUTBOX, row, strict=True))
        fields = compiled.fields
        params = [
            [values.get(name, f.get_default()) for name, f in zip(names, fields, strict=True)]
        ]
        expected = [prep(value) for value, (_, prep) in zip(params[0], plan, strict=True)]
        batch_rows.prepare(params, shape)
        # psycopg's ``Jsonb`` wrapper has no equality of its own: compare what it wraps
        assert [getattr(v, "obj", v) for v in params[0]] == [getattr(v, "obj", v) for v in expected]
        assert [type(v) for v in params[0]] == [type(v) for v in expected]
        if row is rows[1]:
            assert params[0][names.index("object_id")] == "17"


def test_what_a_row_cannot_say_is_refused(admin_user):
    with pytest.raises(ValueError, match="auto_now"):
        insert_rows(
            OutboxMessage,
            ("topic", "object_type", "object_id", "payload", "created_at"),
            [("t", "core.team", "1", {}, timezone.now())],
        )
    with pytest.raises(ValueError, match="give payload"):
        insert_rows(OutboxMessage, ("topic", "object_type", "object_id"), [("t", "core.team", "1")])
    with pytest.raises(ValueError, match="unknown"):
        insert_rows(OutboxMessage, ("topic", "nope"), [("t", 1)])
    with pytest.raises(ValueError, match="row 0: 3 values for 4 columns"):
        insert_rows(OutboxMessage, OUTBOX[:4], [("t", "core.team", "1")])
    # every row is measured, not the first only: a longer one would shift the defaults
    good = ("t", "core.team", "1", {})
    with pytest.raises(ValueError, match="row 2: 5 values for 4 columns"):
        insert_rows(OutboxMessage, OUTBOX[:4], [good, good, (*good, "x"), good])
    assert not OutboxMessage.objects.filter(topic="t").exists()
