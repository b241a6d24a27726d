"""The change benchmark's own pieces against the product: the bodies it posts are valid
changes, its raw-floor transaction writes rows the schema accepts, and the verdicts."""

from __future__ import annotations

import random

import pytest
from django.db import connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.changes import create, loader
from bench.changes.table import checks
from steward.changes.models import Change, ChangeCI
from steward.cmdb.models import CIClass, ConfigurationItem
from steward.core.models import AuditEntry, OutboxMessage

ANSWERS = {"outage": ["none", "full"], "tested": ["yes", "no"]}


@given(unique=st.text(min_size=1, max_size=30), cis=st.integers(min_value=3, max_value=10**6))
@settings(max_examples=200, deadline=None)
def test_bodies_have_one_to_three_distinct_cis_and_every_question(unique, cis):
    body = create.body_maker(cis, ANSWERS)(unique)
    numbers = body["cis"]
    assert 1 <= len(numbers) <= 3
    assert len(set(numbers)) == len(numbers)
    assert all(0 <= int(n.removeprefix("CI")) < cis for n in numbers)
    assert set(body["risk_answers"]) == set(ANSWERS)
    assert all(body["risk_answers"][q] in ANSWERS[q] for q in ANSWERS)
    assert create.body_maker(cis, ANSWERS)(unique) == body  # the same request, the same body


@pytest.fixture
def estate(db):
    server = CIClass.objects.get(slug="server")
    return ConfigurationItem.objects.bulk_create(
        ConfigurationItem(number=f"CI{i:07d}", name=f"ci-{i}", ci_class=server) for i in range(20)
    )


def test_posted_bodies_are_created_with_risk(admin_api, estate):
    answers = create.risk_answers()
    assert {"outage", "tested", "backout"} <= set(answers)  # the questionnaire of 0002
    body = create.body_maker(len(estate), answers)
    for n in range(5):
        made = admin_api.post(create.PATH, body(f"t{n}"))
        assert made.status_code == 201, made.content
        change = Change.objects.get(number=made.json()["number"])
        assert sorted(change.cis.values_list("number", flat=True)) == sorted(body(f"t{n}")["cis"])
        assert change.risk_answers == body(f"t{n}")["risk_answers"]
        assert change.risk_reasons  # every question answered: the score has reasons


def test_raw_floor_writes_what_the_api_writes(admin_api, estate):
    made = admin_api.post(create.PATH, create.body_maker(len(estate), create.risk_answers())("x"))
    assert made.status_code == 201, made.content
    rows = create.rows_of(made.json()["number"])
    postgres = connection.vendor == "postgresql"
    statements = create.statements_for(rows, qmark=False)  # Django's cursor takes %s
    before = (Change.objects.count(), AuditEntry.objects.count(), OutboxMessage.objects.count())
    with transaction.atomic(), connection.cursor() as cursor:
        change_id = create.write_one(
            cursor,
            statements,
            rows,
            now=create.driver_now(postgres),
            ci_ids=[estate[3].id, estate[4].id],
        )
    raw = Change.objects.get(pk=change_id)
    assert raw.number != made.json()["number"]  # the next number of the same sequence
    assert raw.risk_level == made.json()["risk_level"]
    assert set(ChangeCI.objects.filter(change=raw).values_list("ci_id", flat=True)) == {
        estate[3].id,
        estate[4].id,
    }
    after = (Change.objects.count(), AuditEntry.objects.count(), OutboxMessage.objects.count())
    assert after == tuple(n + 1 for n in before)
    assert OutboxMessage.objects.filter(object_id=str(change_id), topic="change.created").exists()


def test_month_bounds_is_a_whole_calendar_month_ahead():
    import datetime as dt

    now = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)
    start, end = loader.month_bounds(now)
    assert (start, end) == (
        dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2027, 2, 1, tzinfo=dt.UTC),
    )


def test_verdicts_name_the_miss():
    figures = {"p50_ms": 10.0, "p95_ms": 75.0, "p99_ms": 80.0, "samples": 20}
    data = {
        "calendar": {"changes": 5000, "steward": figures, "raw": figures | {"p95_ms": 25.0}},
        "create": {
            "http": {"rps": 250.0, "clients": 4, "errors": 0} | figures,
            "raw": {"rps": 1000.0} | figures,
        },
    }
    rows = {row["figure"].split(" (")[0]: row for row in checks(data)}
    calendar = rows["change_calendar month p95"]
    assert (calendar["met"], calendar["missed_by_pct"], calendar["raw"]) == (False, 50.0, 25.0)
    created = rows["POST /changes, creates/s"]
    assert (created["met"], created["missed_by_pct"]) == (False, 50.0)
    rng = random.Random(1)
    good = {"rps": 500 + rng.random(), "clients": 4, "errors": 0} | figures
    data["create"]["http"] = good
    assert next(r for r in checks(data) if r["figure"].startswith("POST"))["met"] is True
