"""Compiled inserts write what save() writes, and statements sent together fail together."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.core import batch_rows, inserts, pipeline
from steward.core.models import AuditEntry, Organisation, OutboxMessage, Team
from steward.core.numbering import number_sql
from steward.incidents.models import Incident

pytestmark = pytest.mark.django_db


def _audit(user) -> AuditEntry:
    return AuditEntry(
        actor=user,
        actor_label=user.username,
        channel="api",
        request_id="r-1",
        content_type=ContentType.objects.get_for_model(Team),
        object_id="7",
        object_repr="Desk",
        action="create",
        changes={"name": [None, "Desk"], "when": [None, "2026-12-03T10:00:00+00:00"]},
    )


def _captured(write) -> list[str]:
    """The statements run, each with its time literals (auto_now_add) masked."""
    with CaptureQueriesContext(connection) as captured:
        write()
    sql = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    return [_TIME.sub("'<time>'", s) for s in sql]


_TIME = re.compile(r"'\d{4}-\d\d-\d\d[ T][\d:.+]+'(::timestamptz)?")


def _row(model, pk, skip=("id",)) -> dict:
    row = model.objects.filter(pk=pk).values().get()
    return {k: v for k, v in row.items() if k not in skip}


@pytest.mark.parametrize("build", [_audit, None], ids=["audit", "outbox"])
def test_an_insert_writes_the_row_and_statement_save_writes(admin_user, build):
    def make():
        if build is not None:
            return build(admin_user)
        return OutboxMessage(topic="t.x", object_type="core.team", object_id="7", payload={"a": 1})

    saved, compiled = make(), make()
    by_save = _captured(saved.save)
    first = _captured(lambda: inserts.insert(compiled))
    again = make()
    second = _captured(lambda: inserts.insert(again))  # the compiled shape, run again
    assert by_save == first == second != []
    assert compiled.pk is not None
    assert compiled.pk != saved.pk != again.pk
    assert not compiled._state.adding
    model = type(saved)
    times = {"at", "created_at"}  # auto_now_add: set when each was written
    assert _row(model, compiled.pk, ("id", *times)) == _row(model, saved.pk, ("id", *times))


def test_without_an_answer_the_id_is_not_read_back(admin_user):
    entry = _audit(admin_user)
    (sql,) = _captured(lambda: inserts.insert(entry, answer=False))
    assert "RETURNING" not in sql
    assert entry.pk is None
    assert AuditEntry.objects.filter(request_id="r-1", object_id="7").count() == 1


@pytest.mark.postgres_only
def test_a_computed_number_comes_back_with_the_id(admin_user):
    incident = Incident(title="Sequence", caller=admin_user, opened_at=timezone.now())
    inserts.insert(incident, computed={"number": number_sql("INC")})
    other = Incident(title="Sequence 2", caller=admin_user, opened_at=timezone.now())
    inserts.insert(other, computed={"number": number_sql("INC")})
    assert Incident.objects.get(pk=incident.pk).number == incident.number == "INC0000001"
    assert other.number == "INC0000002"
    with connection.cursor() as cursor:  # the next test restarts it (tests/conftest.py)
        cursor.execute("SELECT setval('incidents_number', 9999999)")
    wide = Incident(title="Sequence 3", caller=admin_user, opened_at=timezone.now())
    inserts.insert(wide, computed={"number": number_sql("INC")})
    assert wide.number == "INC10000000"  # no digit dropped past the width


def test_what_skipping_save_would_skip_is_refused(admin_user):
    with pytest.raises(ValueError, match="save signal receivers"):
        inserts.insert(Organisation(name="Acme", slug="acme"))  # its saves bump a stamp
    saved = _audit(admin_user)
    saved.save()
    with pytest.raises(ValueError, match="new rows"):
        inserts.insert(saved)


@pytest.mark.postgres_only
def test_a_failing_statement_sent_together_fails_the_transaction(admin_user):
    kept = OutboxMessage.objects.count()
    entry = _audit(admin_user)
    entry.actor_label = None  # NOT NULL: fails when the statement runs
    seen = []

    def write():
        with transaction.atomic(), pipeline.sent_together():
            seen.append(pipeline.active())
            inserts.insert(OutboxMessage(topic="t.x", object_type="core.team", object_id="7"))
            inserts.insert(entry, answer=False)  # sent, answered only at the block's end

    with pytest.raises(IntegrityError):
        write()
    assert seen == [True]
    assert not pipeline.active()
    assert OutboxMessage.objects.count() == kept  # the whole transaction rolled back
    assert AuditEntry.objects.count() >= 0  # the connection is usable again


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_outside_a_transaction_nothing_is_held_back():
    with pipeline.sent_together():
        assert not pipeline.active()  # no transaction: each statement is its own


def _incident(user) -> Incident:
    return Incident(
        title="Badge reader dead",
        description="Gate 4",
        caller=user,
        organisation_id=user.organisation_id,
        impact=1,
        urgency=2,
        priority=2,
        is_major=True,
        opened_at=timezone.now().replace(microsecond=0),
    )


def _outbox(user) -> OutboxMessage:
    return OutboxMessage(topic="t.x", object_type="core.team", object_id="7", payload={"a": [1]})


@pytest.mark.parametrize("build", [_audit, _outbox, _incident], ids=["audit", "outbox", "incident"])
def test_many_rows_in_one_statement_equal_what_save_writes(admin_user, build):
    saved = build(admin_user)
    saved.number = "INC0000001" if isinstance(saved, Incident) else None
    saved.save()
    rows = [build(admin_user) for _ in range(3)]
    model = type(saved)
    ids = inserts.reserve_ids(model, 3)
    for k, (row, pk) in enumerate(zip(rows, ids, strict=True)):
        row.pk = pk
        row.number = f"INC000001{k}" if isinstance(row, Incident) else None
    sql = _captured(lambda: inserts.insert_many(rows))

    assert len(sql) == 1  # one executemany, whatever the count
    assert ids == [saved.pk + 1, saved.pk + 2, saved.pk + 3]
    skip = ("id", "number", "at", "created_at", "updated_at")  # own keys, own times
    for row in rows:
        assert not row._state.adding
        assert _row(model, row.pk, skip) == _row(model, saved.pk, skip)


def test_many_rows_are_of_one_model_and_all_keyed_or_none(admin_user):
    with pytest.raises(ValueError, match="one model"):
        inserts.insert_many([_audit(admin_user), _outbox(admin_user)])
    keyed = _audit(admin_user)
    keyed.pk = 10_000
    with pytest.raises(ValueError, match="one model"):
        inserts.insert_many([keyed, _audit(admin_user)])


@pytest.mark.parametrize(
    "at",
    [
        dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 2, 30, 5, 123456, tzinfo=ZoneInfo("Europe/Berlin")),
        dt.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Berlin")),
        dt.datetime(2026, 4, 5, 0, 0, tzinfo=ZoneInfo("America/Santiago")),
        dt.datetime(2026, 6, 1, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
    ],
    ids=["utc", "berlin-micro", "berlin-fold", "santiago", "fixed-offset"],
)
def test_times_are_sent_as_django_prepares_them(admin_user, at):
    """Aware times skip Django's per-value prep (decision 0032): what is sent for each
    column must still be what ``get_db_prep_save`` makes of it, on either database."""
    incident = _incident(admin_user)
    incident.pk, incident.number = 10_000, "INC0000001"
    incident.opened_at = incident.first_response_at = incident.resolved_at = at
    compiled = inserts.compiled_insert(Incident, using="default", keyed=True)
    compiler = compiled.compiler
    plan = batch_rows.plan_of(compiled)
    own = {"created_at", "updated_at"}  # auto_now: "now" when each is read
    sent, expected = {}, {}
    for field, (get, prep) in zip(compiled.fields, plan, strict=True):
        if field.name not in own:
            sent[field.name] = prep(get(incident))
            expected[field.name] = compiler.prepare_value(
                field, compiler.pre_save_val(field, incident)
            )
    assert sent == expected
    times = ("opened_at", "first_response_at", "resolved_at")
    assert [type(sent[k]) for k in times] == [type(expected[k]) for k in times]
    assert None not in [expected[k] for k in times]


def _state(obj):
    values = {k: v for k, v in vars(obj).items() if k != "_state"}
    return values, obj._state.adding, obj._state.db, dict(obj._state.fields_cache)


@pytest.mark.parametrize("build", [_audit, _outbox, _incident], ids=["audit", "outbox", "incident"])
def test_an_instance_built_for_a_bulk_path_equals_the_models_own(admin_user, build):
    """``inserts.instance`` skips ``__init__``'s walk: every attribute, the related objects
    it caches and the defaults of fields left out (fixed and callable) must come out the
    same."""
    made = build(admin_user)
    model = type(made)
    given = {
        f.name: getattr(made, f.name)
        for f in model._meta.concrete_fields
        if not f.generated
        if getattr(made, f.attname) != f.get_default()  # left out: the default must come
    }
    by_init, fast = model(**given), inserts.instance(model, **given)

    assert _state(fast) == _state(by_init)
    assert len(given) >= 4
    with pytest.raises(TypeError, match="no field"):
        inserts.instance(model, nonsense=1)


def test_a_callable_default_is_made_per_instance(admin_user):
    one, two = inserts.instance(OutboxMessage), inserts.instance(OutboxMessage)
    assert one.payload == two.payload == OutboxMessage().payload
    assert one.payload is not two.payload  # a fresh dict each, as the model makes it


_AWKWARD = "tab\there, line\nbreak, back\\slash, \\N, quote ' \" and ü, end\\"


def _awkward_incident(user, k: int) -> Incident:
    """Values COPY's text form must escape or read right: tabs, newlines, backslashes,
    NULLs, booleans both ways, times with zones and microseconds."""
    incident = _incident(user)
    incident.title, incident.description = f"{_AWKWARD} {k}", _AWKWARD * 3
    incident.is_major = bool(k % 2)
    incident.opened_at = dt.datetime(
        2026, 10, 25, 2, 30, 5, 123456, tzinfo=ZoneInfo("Europe/Berlin")
    )
    incident.resolved_at = dt.datetime(2026, 4, 5, 0, 0, 0, 1, tzinfo=ZoneInfo("America/Santiago"))
    incident.first_response_at = None
    incident.resolution_notes = "\\\\server\\share\r\n"
    return incident


def _awkward_outbox(user, k: int) -> OutboxMessage:
    payload = {"text": _AWKWARD, "none": None, "flags": [True, False], "n": k, "deep": {"x": [1.5]}}
    return OutboxMessage(
        topic="t.\tx", object_type="core.team", object_id=f"{k}\n", payload=payload
    )


@pytest.mark.postgres_only
@pytest.mark.parametrize("build", [_awkward_incident, _awkward_outbox], ids=["incident", "outbox"])
def test_copy_writes_the_rows_executemany_writes(admin_user, build):
    """``insert_many`` streams rows with ``COPY`` on PostgreSQL (decision 0047); inside
    ``sent_together`` it still sends ``executemany``: both must leave the same rows."""
    model = type(build(admin_user, 0))
    copied, sent = (
        [build(admin_user, k) for k in range(4)],
        [build(admin_user, k) for k in range(4)],
    )
    for k, row in enumerate(copied + sent):
        row.pk = 50_000 + k
        if isinstance(row, Incident):
            row.number = f"INC00090{k:02d}"
    by_copy = _captured(lambda: inserts.insert_many(copied))
    with pipeline.sent_together():
        by_many = _captured(lambda: inserts.insert_many(sent))

    assert [s.split(" (")[0] for s in by_copy] == [f'4 times: COPY "{model._meta.db_table}"']
    assert len(by_many) == 1
    assert by_many[0].startswith("4 times: INSERT INTO")
    skip = ("id", "number", "created_at", "updated_at")  # own keys, own times
    for one, other in zip(copied, sent, strict=True):
        assert _row(model, one.pk, skip) == _row(model, other.pk, skip)
    first = _row(model, copied[0].pk, ())
    if model is Incident:
        assert first["title"] == f"{_AWKWARD} 0"
        assert first["first_response_at"] is None
        # the instant (a time in the fold never equals one in another zone, PEP 495)
        assert first["opened_at"].timestamp() == copied[0].opened_at.timestamp()
        assert first["opened_at"].microsecond == 123456
        assert first["is_major"] is False
    else:
        assert first["payload"]["text"] == _AWKWARD
        assert first["object_id"] == "0\n"


@pytest.mark.postgres_only
def test_a_copy_that_fails_raises_djangos_error_and_breaks_the_transaction(admin_user):
    rows = [_awkward_incident(admin_user, k) for k in range(2)]
    for k, row in enumerate(rows):
        row.pk, row.number = 60_000 + k, "INC0000777"  # the same number twice
    with pytest.raises(IntegrityError), transaction.atomic():
        inserts.insert_many(rows)
    assert not Incident.objects.filter(number="INC0000777").exists()


@pytest.mark.parametrize(
    "build", [_audit, _outbox, _awkward_incident], ids=["audit", "outbox", "incident"]
)
def test_a_batchs_parameters_are_what_the_plan_gives_value_by_value(admin_user, build):
    """``batch_rows.rows`` reads a row at a time and skips the prep of values already in
    database form: every value must still be the plan's, and the auto times one "now"."""
    from steward.core import batch_rows
    from steward.incidents.choices import Status

    objs = [
        build(admin_user, k) if build is _awkward_incident else build(admin_user) for k in range(3)
    ]
    if build is _awkward_incident:
        objs[1].status = Status.IN_PROGRESS  # a str subclass: Django's prep, not as it is
        objs[2].assignee = admin_user
    model = type(objs[0])
    compiled = inserts.compiled_insert(model, using="default", keyed=False)
    plan = batch_rows.plan_of(compiled)
    auto = [
        k
        for k, f in enumerate(compiled.fields)
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
    ]
    rows = batch_rows.rows(compiled, objs)
    set_on = {getattr(o, compiled.fields[k].attname) for o in objs for k in auto}
    for obj, row in zip(objs, rows, strict=True):
        by_plan = [prep(get(obj)) for get, prep in plan]  # the auto times read off obj again
        # psycopg's ``Jsonb`` wrapper has no equality of its own: compare what it wraps
        assert [getattr(v, "obj", v) for v in row] == [
            getattr(by_plan[k] if k not in auto else row[k], "obj", row[k]) for k in range(len(row))
        ]
        assert [type(v) for v in row] == [type(v) for v in by_plan]
    assert auto  # every model here has a creation time
    assert len({row[k] for row in rows for k in auto}) == 1
    assert len(set_on) == 1  # set on the rows too, as ``pre_save`` sets it


def test_foreign_keys_set_by_instance_equal_their_descriptors(admin_user):
    """``instance`` sets plain foreign keys as their descriptor does (decision 0047): the
    id, the cached object, the row's database; ``None`` too; a wrong class still fails."""
    from steward.core.models import User

    given = {"caller": admin_user, "assignee": None, "team": None, "organisation_id": None}
    fast, by_init = inserts.instance(Incident, **given), Incident(**given)
    assert _state(fast) == _state(by_init)
    assert fast._state.db == "default"
    assert fast._state.fields_cache == {"caller": admin_user, "assignee": None, "team": None}
    unsaved = User(username="nobody")  # no database yet: the descriptor decides it
    assert _state(inserts.instance(Incident, caller=unsaved)) == _state(Incident(caller=unsaved))
    with pytest.raises(ValueError, match="must be a"):
        inserts.instance(Incident, caller=Team(name="not a user"))
