"""The batched path of a poll's chunk (decision 0024): the statements it makes do not grow
with the chunk, it leaves exactly what the single path leaves (records, comments,
attachments, audit entries, events), and a message that breaks a rule is quarantined alone
when the batch falls back to one by one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core import outbox
from steward.core.actor import Actor
from steward.core.models import Attachment, AuditEntry, Comment, OutboxMessage
from steward.incidents import services as incident_services
from steward.incidents.models import Incident
from steward.incidents.services import validation
from steward.mailboxes import services
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import batch, mail_ingest, mail_ingest_many
from steward.sla.models import SlaClock
from tests import factories
from tests.mailboxes.conftest import SYSTEM, eml

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 20


@pytest.fixture
def callers(db):
    org = factories.OrganisationFactory(name="Acme", slug="acme")
    people = [
        factories.requester(username=f"c{n}", email=f"c{n}@example.com", organisation=org)
        for n in range(4)
    ]
    open_ones = [
        incident_services.incident_create(SYSTEM, title=f"open {n}", caller=p.username)
        for n, p in enumerate(people)
    ]
    return people, open_ones


def corpus(tag: str, count: int, callers) -> list[bytes]:
    """New incidents, replies by each caller on their own open incident (by its number),
    some with a PDF."""
    people, open_ones = callers
    raws = []
    for n in range(count):
        who = n % len(people)
        files = [(f"r{n}.pdf", "application/pdf", PDF)] if n % 3 == 0 else []
        subject = f"[{open_ones[who].number}] again" if n % 4 == 1 else f"broken {n}"
        raws.append(
            eml(
                sender=f"C {who} <c{who}@example.com>",
                subject=subject,
                body=f"Message {n}\n\nOn Mon, Desk wrote:\n> earlier",
                html=f"<p>Message {n}</p><script>x()</script>",
                message_id=f"<{tag}{n}@mail.example.com>",
                attachments=files,
            )
        )
    return raws


def _box(name: str, team) -> object:
    return services.mailbox_create(
        SYSTEM, name=name, address=f"{name}@example.com", kind="pipe", team=team.slug
    )


def test_the_statements_of_a_chunk_do_not_grow_with_it(callers, desk_team, monkeypatch):
    monkeypatch.setattr(outbox, "wake_worker", lambda: None)  # the worker's work is not ours
    box = _box("desk", desk_team)
    mail_ingest_many(box, corpus("warm", 4, callers))  # the per-process caches filled
    counts = []
    for tag, size in (("a", 8), ("b", 32)):
        raws = corpus(tag, size, callers)
        with CaptureQueriesContext(connection) as queries:
            stored = mail_ingest_many(box, raws)
        assert {m.status for m in stored} == {"created", "commented"}
        assert all(m.attempts == 1 for m in stored)
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts  # the same statements for 8 messages and for 32
    assert counts[1] < 60, counts


def _state(box) -> list[tuple]:
    """What the mailbox's messages left, without the ids, numbers and times that differ."""
    rows = []
    for m in InboundMessage.objects.filter(mailbox=box).order_by("message_id"):
        record = Incident.objects.get(number=m.record_number)
        audit = list(
            AuditEntry.objects.filter(
                object_id=str(m.pk), content_type__model="inboundmessage"
            ).values_list("action", "actor_label", "changes")
        )
        audit = [(a, label, {k: v for k, v in c.items() if k != "record"}) for a, label, c in audit]
        row = [m.message_id, m.status, m.reason, m.caller_id, m.html, m.attempts, audit]
        if m.status == "created":
            mine = {"object_id": str(record.pk)}
            entries = AuditEntry.objects.filter(**mine, content_type__model="incident")
            events = OutboxMessage.objects.filter(**mine, object_type="incidents.incident")
            files = Attachment.objects.filter(**mine).values_list(
                "filename", "size", "sha256", "media_type", "uploaded_by"
            )
            clocks = SlaClock.objects.filter(**mine).values_list("kind", "state", "policy_id")
            row += [
                (record.title, record.description, record.caller_id, record.organisation_id),
                (record.channel, record.priority, record.status, record.team_id),
                record.assignee_id,
                sorted(clocks),
                [
                    (a, label, {k: v for k, v in c.items() if k != "number"})
                    for a, label, c in entries.values_list("action", "actor_label", "changes")
                ],
                sorted(events.values_list("topic", flat=True)),
                sorted(files),
            ]
        else:
            comment = Comment.objects.get(pk=m.comment_id)
            mine = {"object_id": str(comment.pk)}
            entries = AuditEntry.objects.filter(**mine, content_type__model="comment")
            events = OutboxMessage.objects.filter(**mine, object_type="core.comment")
            row += [
                (comment.body, comment.body_html, comment.author_id, comment.channel),
                comment.internal,
                list(entries.values_list("action", "actor_label", "changes")),
                sorted(events.values_list("topic", flat=True)),
            ]
        acks = OutboxMessage.objects.filter(object_id=str(m.pk), topic="mail.acknowledged")
        row.append(sorted(p["record_type"] for p in acks.values_list("payload", flat=True)))
        rows.append(row)
    # the mailbox's own name is in its audit label: the rest must be equal
    return eval(repr(rows).replace(f"mailbox:{box.slug}", "mailbox:BOX"))  # noqa: S307


def test_the_batched_path_leaves_what_the_single_path_leaves(callers, desk_team):
    raws = corpus("same", 12, callers)
    one_by_one, batched = _box("single", desk_team), _box("batched", desk_team)
    for raw in raws:
        mail_ingest(one_by_one, raw)
    stored = mail_ingest_many(batched, raws)

    assert [m.status for m in stored] == [
        m.status for m in InboundMessage.objects.filter(mailbox=one_by_one).order_by("id")
    ]
    single, many = _state(one_by_one), _state(batched)
    assert len(single) == 12
    for one, other in zip(single, many, strict=True):
        assert one == other
    # the replies' files on the callers' open incidents: each one twice, once per path
    _, open_ones = callers
    on_open = Attachment.objects.filter(object_id__in=[str(i.pk) for i in open_ones])
    names = sorted(on_open.values_list("filename", flat=True))
    assert names
    assert names == sorted(list(set(names)) * 2)


def test_the_batch_really_wrote_in_batches(callers, desk_team, monkeypatch):
    box = _box("desk", desk_team)
    singles = []
    original = batch.mail_ingest
    monkeypatch.setattr(batch, "mail_ingest", lambda *a: singles.append(1) or original(*a))
    mail_ingest_many(box, corpus("x", 10, callers))
    assert singles == []  # every message was a new incident or the caller's own reply


def test_a_message_breaking_a_rule_is_quarantined_alone(callers, desk_team, monkeypatch):
    box = _box("desk", desk_team)
    title = validation.title

    def no_broken_6(value):
        if value == "broken 6":
            raise validation.ValidationFailed.one("title", "not this one")
        return title(value)

    monkeypatch.setattr(validation, "title", no_broken_6)
    raws = corpus("q", 8, callers)
    stored = mail_ingest_many(box, raws)

    statuses = {m.subject: m.status for m in stored}
    assert statuses["broken 6"] == "quarantined"
    assert [s for t, s in statuses.items() if t != "broken 6"].count("quarantined") == 0
    assert Incident.objects.filter(title__startswith="broken").count() == 5  # 0, 2, 3, 4, 7
    again = mail_ingest_many(box, raws)  # a second delivery: nothing new
    assert [m.pk for m in again] == [m.pk for m in stored]


def test_duplicates_in_a_chunk_and_already_stored_make_one_record(callers, desk_team):
    box = _box("desk", desk_team)
    raws = corpus("d", 3, callers)
    first = mail_ingest_many(box, raws[:1])
    stored = mail_ingest_many(box, [raws[0], raws[1], raws[1], raws[2]])
    assert stored[0].pk == first[0].pk
    assert stored[1].pk == stored[2].pk
    assert InboundMessage.objects.filter(mailbox=box).count() == 3


def test_a_closed_or_anothers_incident_goes_one_by_one(callers, desk_team):
    people, open_ones = callers
    box = _box("desk", desk_team)
    raw = eml(sender="c1@example.com", subject=f"[{open_ones[0].number}] me too")
    stored = mail_ingest_many(box, [raw])
    # c1 may not see c0's incident: a new incident of c1's own, as the single path does
    assert stored[0].status == "created"
    assert Incident.objects.get(number=stored[0].record_number).caller == people[1]
    assert Actor  # the module's names in use
