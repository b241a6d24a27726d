"""A CI's past (``as_of``) read bounded (decision 0124): the replay streams only the three
columns it needs, a chunk at a time, where it read every entry up to the moment, whole
rows, into one list. The CI of then is the same as the whole-list replay's, at every
moment, across chunk boundaries, in the same statements however long the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.cmdb import services
from steward.cmdb.models import ConfigurationItem
from steward.cmdb.selectors import past
from steward.core.choices import AuditAction
from steward.core.models import AuditEntry
from tests.cmdb.conftest import make_ci

pytestmark = pytest.mark.django_db


def whole_list_fold(ci: ConfigurationItem, at: dt.datetime) -> tuple:
    """The replay as it was before: every entry up to ``at``, whole rows, in one list."""
    ct = ContentType.objects.get_for_model(ConfigurationItem)
    entries = list(
        AuditEntry.objects.filter(content_type=ct, object_id=str(ci.pk), at__lte=at).order_by("id")
    )
    fields: dict[str, Any] = {}
    links: dict[int, tuple] = {}
    facts: dict[str, Any] = {"created_at": None, "updated_at": None, "version": 0}
    for entry in entries:
        if entry.action == AuditAction.CREATE:
            fields = {name: new for name, (_old, new) in entry.changes.items()}
            facts.update(created_at=entry.at, updated_at=entry.at, version=1)
            links.clear()
            continue
        if not facts["created_at"]:
            continue
        link_change = entry.changes.get(past.LINK)
        if link_change is not None:
            old, new = link_change
            if new:
                links[new["id"]] = (new, entry.at)
            elif old:
                links.pop(old["id"], None)
        field_changes = {k: v for k, v in entry.changes.items() if k != past.LINK}
        if field_changes:
            for name, (_old, new) in field_changes.items():
                fields[name] = new
            facts["updated_at"] = entry.at
            facts["version"] += 1
    return fields, links, facts


def shown(result: past.CIPast) -> tuple:
    ci = result.ci
    rows = [(r.id, r.type.slug, r.source.number, r.target.number) for r in result.relationships]
    return (ci.name, ci.description, ci.attributes, ci.status, ci.version, rows)


@pytest.fixture
def hub(admin):
    """A CI with a long history: field changes, links added and removed, moments kept."""
    hub = make_ci("server", name="hub")
    others = [make_ci("application", name=f"app{i}") for i in range(6)]
    moments, live = [], {}
    for i in range(40):
        services.ci_update(
            admin, number=hub.number, expected_version=None, changes={"description": f"d{i}"}
        )
        other = others[i % 6]
        if other.number not in live:
            live[other.number] = services.relationship_create(
                admin, source=other.number, target=hub.number, type="runs_on"
            )
        if i % 4 == 3:  # the oldest link removed
            services.relationship_delete(admin, relationship_id=live.pop(next(iter(live))).id)
        moments.append(timezone.now())
    return hub, moments


def test_the_streamed_replay_equals_the_whole_list_at_every_moment(admin, hub, monkeypatch):
    ci, moments = hub
    monkeypatch.setattr(past, "REPLAY_CHUNK", 7)  # many chunk boundaries on the way

    for at in moments[::3] + [moments[-1]]:
        assert past._fold(past._entries(ci, until=at)) == whole_list_fold(ci, at)
        chunked = shown(past.ci_as_of(admin, ci.number, at))
        monkeypatch.setattr(past, "REPLAY_CHUNK", 10**6)
        assert chunked == shown(past.ci_as_of(admin, ci.number, at))
        monkeypatch.setattr(past, "REPLAY_CHUNK", 7)


def test_the_replay_reads_only_its_columns_in_one_statement(admin, hub):
    ci, moments = hub
    short = make_ci("server", name="short")
    app = make_ci("application", name="one-app")
    services.relationship_create(admin, source=app.number, target=short.number, type="runs_on")
    with CaptureQueriesContext(connection) as few:
        past.ci_as_of(admin, short.number, timezone.now())
    with CaptureQueriesContext(connection) as many:
        past.ci_as_of(admin, ci.number, moments[-1])

    reads = [q["sql"] for q in many.captured_queries if "core_auditentry" in q["sql"]]
    assert len(reads) == 1, reads
    assert '"changes"' in reads[0]
    assert "actor_id" not in reads[0]  # whole rows were read: actor, channel, request id…
    assert len(many.captured_queries) == len(few.captured_queries)
