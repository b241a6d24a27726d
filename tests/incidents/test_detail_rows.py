"""The incident page read from compiled SQL (decision 0063): the incident as one row put
back together as its model (``selectors.incident_page``), its comments, history, names and
files likewise, shows the same page as the model querysets (``shells.BUILT`` off, the
code's own model path), for every kind of reader; who sees only part keeps the
model path; and a warm page compiles no queryset of these tables at all. Its fresh forms'
fixed fields kept per process and its addresses reversed once (decision 0071) show the page
the same templates show with nothing kept (``fields.KEEP`` and ``links.KEEP`` off, decision
0072), whatever was kept before. Its choices' and fields' labels and its words kept per
process and language (decision 0117) likewise, in English and German."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.db.models.sql import compiler
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.cmdb.services import ci_create, relationship_create
from steward.core import labels
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.selectors import compiled, shells, timeline
from steward.core.services import attachment_add, team_update
from steward.incidents import selectors
from steward.incidents.models import Incident
from steward.incidents.services import (
    category_create,
    incident_comment,
    incident_create,
    incident_update,
)
from steward.web import fields, links
from steward.web import timeline as web_timeline
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
TOKEN = re.compile(r"[A-Za-z0-9]{64}")  # a CSRF token: masked anew on every render


def _attach(actor: Actor, number: str, name: str) -> None:
    content = f"{name}: connection refused <b>\n".encode()
    attachment_add(
        actor, target=f"incident/{number}", upload=io.BytesIO(content), filename=name,
        size=len(content),
    )  # fmt: skip


@pytest.fixture
def world(admin_actor, agent_actor, desk, always_on):
    """A major incident with every reference, an overridden priority, SLA clocks, replies
    and work notes by the caller and agents, files, history and a resolution; one on hold;
    and a bare one."""
    organisation = factories.OrganisationFactory(name="Acme & Co", slug="acme")
    caller = factories.requester(
        username="acme-caller", first_name="Ann", last_name="<Lee>", organisation=organisation
    )
    category = category_create(admin_actor, name="Rows <net>")
    sub = category_create(admin_actor, name="Wi-Fi <5 GHz>", parent=category.slug)
    service = ci_create(SYSTEM, name="Web shop", ci_class="business_service")
    server = ci_create(SYSTEM, name="web-1", ci_class="server", attributes={"fqdn": "w.example"})
    relationship_create(SYSTEM, source=service.number, target=server.number, type="runs_on")
    parent = incident_create(admin_actor, title="Outage", is_major=True, team="desk")
    full = incident_create(
        admin_actor,
        title="Shop <script>slow</script>",
        description="since 9\n\nsecond <i>paragraph</i>",
        caller=caller.username,
        category=category.slug,
        subcategory=sub.slug,
        impact=3,
        urgency=3,
        is_major=True,
        team="desk",
        assignee="agent1",
        parent=parent.number,
        affected_service=service.number,
        configuration_item=server.number,
    )
    incident_update(
        admin_actor,
        number=full.number,
        expected_version=None,
        changes={"priority": 1, "priority_override_reason": "CEO's shop"},
    )
    caller_actor = as_actor(caller)
    incident_comment(caller_actor, number=full.number, body="Still **slow**")
    incident_comment(agent_actor, number=full.number, body="Looking into it", internal=True)
    incident_comment(agent_actor, number=full.number, body="Fixed the cache")
    _attach(agent_actor, full.number, "trace.txt")
    _attach(caller_actor, full.number, "screen.txt")
    incident_update(
        admin_actor,
        number=full.number,
        expected_version=None,
        changes={"status": "resolved", "resolution_code": "solved", "resolution_notes": "ok\nx"},
    )
    held = incident_create(agent_actor, title="Waiting", caller=caller.username, team="desk")
    incident_update(
        agent_actor,
        number=held.number,
        expected_version=None,
        changes={"status": "on_hold", "on_hold_reason": "awaiting_caller"},
    )
    bare = incident_create(SYSTEM, title="Bare", caller=caller.username)
    return {
        "full": full.number, "parent": parent.number, "held": held.number, "bare": bare.number,
        "caller": caller,
    }  # fmt: skip


def _page(user, number: str, **headers: str) -> str:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    response = client.get(f"/incidents/{number}/", **headers)
    assert response.status_code == 200, response.content[:300]
    return TOKEN.sub("TOKEN", response.content.decode())


def _readers(world, admin_user, agent_user) -> dict:  # noqa: ANN001
    limited = factories.agent(username="acme-agent")
    limited.served_organisations.add(Incident.objects.get(number=world["full"]).organisation)
    return {
        "admin": admin_user, "agent": agent_user, "caller": world["caller"], "limited": limited,
    }  # fmt: skip


@pytest.mark.parametrize("who", ["admin", "agent", "caller", "limited"])
@pytest.mark.parametrize("which", ["full", "parent", "held", "bare"])
def test_the_page_is_the_page_main_showed(
    world, admin_user, agent_user, frozen, monkeypatch, who, which
):
    reader = _readers(world, admin_user, agent_user)[who]
    if who == "caller" and which == "parent":
        return  # not theirs: the 404 page, tested below
    if who == "limited" and which in ("parent",):
        return  # of no organisation: not served to an agent limited to acme
    now = _page(reader, world[which])
    assert now == _main_page(monkeypatch, reader, world[which])


def _main_page(monkeypatch, user, number: str, **headers: str) -> str:  # noqa: ANN001
    """The page as main rendered it: its model reads (``shells.BUILT`` off), every field
    rendered and every address reversed where it is shown, nothing kept."""
    with monkeypatch.context() as before:
        before.setattr(shells, "BUILT", False)
        before.setattr(fields, "KEEP", False)
        before.setattr(links, "KEEP", False)
        before.setattr(labels, "KEEP", False)
        return _page(user, number, **headers)


def test_the_model_path_reads_none_of_the_pages_compiled_rows(world, admin_user, monkeypatch):
    """``shells.BUILT`` off is the model path for each of the page's five reads, not the
    compiled one again (the oracle above would compare the page with itself)."""
    keys: list = []
    real = compiled.rows

    def spy(key, build, **values):  # noqa: ANN001, ANN003, ANN202
        keys.append(key[0] if isinstance(key, tuple) else key)
        return real(key, build, **values)

    monkeypatch.setattr(compiled, "rows", spy)
    reads = {"incidents.page", "incidents.page_comments", "core.history", "core.names"}
    reads.add("core.record_attachments")
    _page(admin_user, world["full"])
    assert reads <= set(keys)
    keys.clear()
    monkeypatch.setattr(shells, "BUILT", False)
    _page(admin_user, world["full"])
    assert reads & set(keys) == set()


def test_the_full_page_shows_every_fact(world, admin_user, frozen):
    page = _page(admin_user, world["full"])
    for fact in (
        "Ann &lt;Lee&gt; · Acme &amp; Co", "Rows &lt;net&gt; › Wi-Fi &lt;5 GHz&gt;",
        "CEO&#x27;s shop",
        "Web shop", "web-1", world["parent"], "trace.txt", "screen.txt", "Looking into it",
        "<strong>slow</strong>", "Fixed the cache", "badge major", "Shop &lt;script&gt;",
    ):  # fmt: skip
        assert fact in page, fact
    assert "<script>slow" not in page


def test_the_caller_sees_no_work_notes_and_no_history(world, frozen):
    page = _page(world["caller"], world["full"])
    assert "Still <strong>slow</strong>" in page
    assert "Fixed the cache" in page
    assert "Looking" not in page
    assert 'class="audit"' not in page
    assert "Reassignments" not in page


def test_who_sees_part_reads_the_model_and_only_what_they_may(world, agent_actor):
    caller = as_actor(world["caller"])
    own = selectors.incident_page(caller, number=world["full"])
    assert own.parent is None  # the parent is not theirs: named nowhere on their page
    with pytest.raises(NotFound):
        selectors.incident_page(caller, number=world["parent"])
    other = factories.agent(username="other-agent")
    other.served_organisations.add(factories.OrganisationFactory(name="Other", slug="other"))
    with pytest.raises(NotFound):
        selectors.incident_page(as_actor(other), number=world["full"])
    with pytest.raises(NotFound):
        selectors.incident_page(agent_actor, number="INC9999999")


def test_the_row_is_the_model(world, admin_actor):
    row = selectors.incident_page(admin_actor, number=world["full"])
    model = selectors.incident_get(admin_actor, number=world["full"])
    own = [f.attname for f in Incident._meta.concrete_fields]
    assert [getattr(row, name) for name in own] == [getattr(model, name) for name in own]
    for name in ("caller", "organisation", "category", "subcategory", "team", "assignee"):
        assert str(getattr(row, name)) == str(getattr(model, name)), name
    assert row.parent.number == model.parent.number
    for name in ("affected_service", "configuration_item"):
        assert getattr(row, name).number == getattr(model, name).number
        assert getattr(row, name).name == getattr(model, name).name
    assert row.team.slug == model.team.slug
    assert row.assignee.username == model.assignee.username
    assert len(row.sla_clocks) == len(model.sla_clocks) == 2


def test_a_warm_page_compiles_no_queryset_of_its_records(world, admin_user, monkeypatch):
    """Compiling the model graph was a third of the page (decision 0063): the incident, its
    comments, history, files and their names are read from SQL compiled once."""
    compiled_sql: list[str] = []
    real = compiler.SQLCompiler.as_sql

    def spy(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        sql, params = real(self, *args, **kwargs)
        compiled_sql.append(sql)
        return sql, params

    _page(admin_user, world["full"])  # warm
    monkeypatch.setattr(compiler.SQLCompiler, "as_sql", spy)
    _page(admin_user, world["full"])
    tables = ("incidents_incident", "core_comment", "core_auditentry", "core_attachment")
    assert [s for s in compiled_sql if any(f'FROM "{t}"' in s for t in tables)] == []


def test_the_pages_statements_do_not_grow_with_its_activity(world, admin_user, agent_actor):
    client = Client()
    client.force_login(admin_user)
    path = f"/incidents/{world['full']}/"
    client.get(path)  # warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for n in range(4):
        incident_comment(agent_actor, number=world["full"], body=f"more {n}", internal=n % 2)
        _attach(agent_actor, world["full"], f"more-{n}.txt")
    client.get(path)
    with CaptureQueriesContext(connection) as more:
        assert client.get(path).status_code == 200
    # the stamps; the incident row and its clocks; the walk above its CI (on SQLite its
    # ids, then their columns; PostgreSQL in one, decision 0054); the comments; the
    # history and the names no stamp guards (the CIs); the files. The people's, the
    # team's and the category's names are kept per process (decision 0083: 13, PostgreSQL
    # 12, before)
    expected = 9 if connection.vendor == "postgresql" else 10
    assert len(few) == len(more) == expected, [q["sql"] for q in more.captured_queries]


def test_a_kept_field_shows_the_records_value_as_it_moves(
    world, agent_user, agent_actor, frozen, monkeypatch
):
    """The "Work it" panel's selects are kept per value: the next page shows the new one."""
    _page(agent_user, world["held"])  # the panel's fields kept as the record is
    incident_update(
        agent_actor,
        number=world["held"],
        expected_version=None,
        changes={"impact": 1, "urgency": 2, "on_hold_reason": "awaiting_vendor"},
    )
    now = _page(agent_user, world["held"])
    assert '<option value="1" selected>' in now
    assert '<option value="awaiting_vendor" selected>' in now
    assert now == _main_page(monkeypatch, agent_user, world["held"])


def test_a_kept_field_speaks_the_readers_language(world, agent_user, frozen, monkeypatch):
    _page(agent_user, world["held"])  # kept in English
    agent_user.language = "de"
    agent_user.save(update_fields=["language"])
    german = _page(agent_user, world["held"])
    assert "Grund der Zurückstellung" in german  # the on-hold reason's label
    assert "Antwort oder Arbeitsnotiz" in german  # the comment box's
    assert german == _main_page(monkeypatch, agent_user, world["held"])
    agent_user.language = "en"
    agent_user.save(update_fields=["language"])
    assert "Grund der Zurückstellung" not in _page(agent_user, world["held"])


def test_who_may_not_edit_gets_no_kept_field_of_those_who_may(
    world, agent_user, frozen, monkeypatch
):
    """The caller after an agent: no panel, no work-note box, the caller's own label."""
    _page(agent_user, world["full"])
    page = _page(world["caller"], world["full"])
    assert 'name="impact"' not in page
    assert 'name="internal"' not in page
    assert "Add a comment" in page
    assert "Reply or work note" not in page
    assert page == _main_page(monkeypatch, world["caller"], world["full"])


def test_the_upload_box_follows_the_upload_limit(world, agent_user, frozen, monkeypatch, settings):
    _page(agent_user, world["full"])  # the box kept under the default limit
    settings.MAX_UPLOAD_BYTES = 3 * 1024 * 1024
    page = _page(agent_user, world["full"])
    assert 'data-max-bytes="3145728"' in page
    assert "3.0\xa0MB in all" in page
    assert page == _main_page(monkeypatch, agent_user, world["full"])


def test_a_failed_comment_is_shown_as_sent_not_as_kept(world, agent_user):
    client = Client()
    client.force_login(agent_user)
    path = f"/incidents/{world['held']}/"
    client.get(path)  # the fresh box kept
    # no body at all: its value is the fresh box's (None), its error is not
    response = client.post(f"{path}comment/", {"internal": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    page = response.content.decode()
    assert '<div class="field invalid">' in page
    assert 'name="internal" id="id_internal" checked>' in page


def test_a_renamed_team_is_shown_by_its_new_name_on_the_next_page(
    world, admin_actor, agent_user, frozen, monkeypatch
):
    """The panel's team is the record's (a picker, not a kept option list): renamed between
    two pages, the next one names it anew."""
    assert 'value="Service Desk"' in _page(agent_user, world["held"])
    team_update(admin_actor, slug="desk", expected_version=None, changes={"name": "Front <desk>"})
    page = _page(agent_user, world["held"])
    assert 'name="team_label" value="Front &lt;desk&gt;"' in page
    assert page == _main_page(monkeypatch, agent_user, world["held"])


def test_a_warm_page_builds_no_choices_and_looks_up_no_label_again(
    world, agent_user, frozen, monkeypatch
):
    """The facts' and the history's choices (``get_FOO_display`` built them as a dict on every
    call) and the history's field labels and the page's words (``gettext`` each time) are
    kept per process and language (decision 0117)."""
    from django.db.models import Field  # noqa: PLC0415

    _page(agent_user, world["full"])  # warm
    built: list[str] = []
    real = Field.flatchoices

    def counted(field):  # noqa: ANN001, ANN202
        built.append(field.name)
        return real.fget(field)

    monkeypatch.setattr(Field, "flatchoices", property(counted))
    looked_up: list[str] = []
    monkeypatch.setattr(timeline, "_label", lambda model, name: looked_up.append(name) or name)
    monkeypatch.setattr(web_timeline, "_translated", lambda text: looked_up.append(text) or text)
    page = _page(agent_user, world["full"])
    assert "Impact / urgency" in page
    assert "Solved" in page  # the resolution code's label, from the kept choices
    assert built == []
    assert looked_up == []


@pytest.mark.parametrize("which", ["full", "held"])
def test_the_kept_labels_speak_each_readers_language(world, agent_user, frozen, monkeypatch, which):
    """English, then German, then English again: each page equals the page with nothing
    kept, its history's field labels and choices in the reader's language."""
    english = _page(agent_user, world[which])
    assert english == _main_page(monkeypatch, agent_user, world[which])
    agent_user.language = "de"
    agent_user.save(update_fields=["language"])
    german = _page(agent_user, world[which])
    assert german == _main_page(monkeypatch, agent_user, world[which])
    assert "Auswirkung / Dringlichkeit" in german  # a fact's word
    assert german != english
    agent_user.language = "en"
    agent_user.save(update_fields=["language"])
    assert _page(agent_user, world[which]) == english
