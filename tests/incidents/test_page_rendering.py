"""The agent's incident pages rendered at what they must cost (decision 0043): the queue's
rows are the cells the old path rendered (the row template of tests/incidents/reference,
with the badges' own tags), ``timesince``'s and ``duration``'s words kept per language give
Django's and the catalogue's own text, the incident page lists its files without reading the
incident a second time, and the statements of both pages are counted. The SLA badge's bytes
are held in tests/web/test_components.py."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template import Context, Engine, engines
from django.template import defaultfilters as filters
from django.template.loaders import cached
from django.test.utils import CaptureQueriesContext
from django.utils import timesince as django_timesince
from django.utils import timezone, translation

from steward.cmdb.services import ci_create, relationship_create
from steward.core import selectors as core_selectors
from steward.core.actor import Actor
from steward.core.models import Team
from steward.core.services import attachment_add, team_create
from steward.core.views.attachments import attachment_card
from steward.incidents import demo, selectors
from steward.incidents.models import Incident
from steward.incidents.services import incident_comment, incident_create, incident_update
from steward.incidents.templatetags import incident_queue
from steward.web.templatetags import steward_ui
from tests import factories

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).parent / "reference" / "queue_row.html"
NOW = dt.datetime(2026, 12, 4, 18, 30, 17, tzinfo=dt.UTC)  # timesince's words, compared


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


def _cells(html: str) -> list[list[str]]:
    """The table body's rows as lists of their cells' markup."""
    body = re.search(r'<tbody id="rows">(.*?)</tbody>', html, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", _squeezed(body), re.S)
    return [re.findall(r"<td[^>]*>.*?</td>", row, re.S) for row in rows]


@pytest.fixture
def frozen(monkeypatch):
    """One "now" for the page and the reference alike (``… ago`` must not cross a minute
    between the two renderings)."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    real = django_timesince.timesince
    monkeypatch.setattr(filters, "timesince", lambda d, at=None: real(d, at or now))


@pytest.fixture
def queue(admin_actor, agent_user, always_on):
    for n in range(3):
        factories.requester(username=f"demo-req-{n}")
    for slug in ("network", "workplace", "applications", "service-desk"):  # the demo's
        team_create(admin_actor, name=slug.title(), slug=slug, members=[agent_user.username])
    demo.load(random.Random(5), count=80)
    # the newest, open in the agent's team, major, with markup in its title (the demo
    # writes none): on the first page of both queues
    newest = Incident.objects.order_by("number").last()
    Incident.objects.filter(pk=newest.pk).update(
        is_major=True,
        title='<b>"Quoted" & tagged</b>',
        team=Team.objects.get(slug="network"),
        status="new",
        is_open=True,
    )


def _reference_cells(actor, queue_name: str, row_back: str = "") -> list[list[str]]:
    page = selectors.incident_list(actor, queue=queue_name, shown=True)
    context = {
        "can_work_queue": True,
        "takeable": selectors.incidents_takeable(actor, page.items),
        "selectable": selectors.incidents_selectable(actor, page.items),
        "records_url": "/incidents/",
        "row_back": row_back,
    }
    reference = Engine.get_default().from_string(REFERENCE.read_text())
    rows = "".join(reference.render(Context({**context, "row": row})) for row in page.items)
    return _cells(f'<tbody id="rows">{rows}</tbody>')


@pytest.mark.parametrize(
    ("path", "queue_name", "row_back"),
    [
        ("/incidents/", "my_teams", ""),
        # a chosen queue: its rows' links carry the way back to it (docs/incidents.md)
        ("/incidents/?queue=all", "all", "?back=queue%3Dall%26order%3Dpriority"),
    ],
)
def test_the_queue_pages_rows_are_the_old_paths_cells(
    web, agent_user, agent_actor, queue, frozen, path, queue_name, row_back
):
    agent_user.time_zone = "America/Los_Angeles"  # the reader's zone, not the site's (UTC)
    agent_user.save(update_fields=["time_zone"])
    cells = _cells(web.get(path).content.decode())
    with timezone.override(ZoneInfo("America/Los_Angeles")):
        expected = _reference_cells(agent_actor, queue_name, row_back)
    assert len(cells) == len(expected) > 5
    assert cells == expected
    text = str(cells)
    # the cases the rows must cover: time left with a due time, a major one, markup escaped
    assert "business time" in text
    assert "<time datetime=" in text
    assert "-08:00" in text  # the due and opened times in the reader's zone
    assert 'class="badge major"' in text
    assert "&lt;b&gt;&quot;Quoted&quot;" in text


@pytest.mark.parametrize("language", ["en", "de"])
def test_timesince_words_kept_per_language_are_the_ago_filters(language):
    """Every unit, singular and plural, depth two, the future and "0 minutes": the words the
    queue keeps per language and count are those the ``ago`` filter's lazy plurals give
    (German's dative after "vor"), whichever language asked first."""
    rng = random.Random(7)
    spans = [0, -60, 59, 60, 61, 3600, 86400, 86400 * 8, 86400 * 31, 86400 * 366]
    spans += [rng.randrange(1, 86400 * 800) for _ in range(400)]
    with translation.override(language):
        words = incident_queue._since_words(translation.get_language())
        for seconds in spans:
            opened = NOW - dt.timedelta(seconds=seconds)
            assert django_timesince.timesince(
                opened, NOW, time_strings=words
            ) == django_timesince.timesince(opened, NOW, time_strings=steward_ui.AGO_WORDS), seconds


def test_duration_words_kept_per_language_are_the_catalogues(monkeypatch):
    """English, German, English again: the words kept per language are those the catalogue
    gives on each call (``_duration_words`` without its cache)."""
    spans = (None, 0, 59, -60, 3600 * 5 + 60 * 7, -86400 * 3 - 3600, 86400 * 40)
    languages = ("en", "de", "en")

    def shown() -> list[list[str]]:
        out = []
        for language in languages:
            with translation.override(language):
                out.append([steward_ui.duration(seconds) for seconds in spans])
        return out

    kept = shown()
    monkeypatch.setattr(steward_ui, "_duration_words", steward_ui._duration_words.__wrapped__)
    assert kept == shown()
    assert kept[0] == kept[2] != kept[1]


@pytest.fixture
def incident_with_file(agent_actor, desk, always_on):
    system = Actor.system("tests")
    ci = ci_create(system, name="Mail server", ci_class="server")
    shop = ci_create(system, name="Mail", ci_class="business_service")
    relationship_create(system, source=shop.number, target=ci.number, type="runs_on")
    incident = incident_create(
        agent_actor, title="Mail down", team="desk", configuration_item=ci.number
    )
    incident_comment(agent_actor, number=incident.number, body="Looking", internal=True)
    incident_update(
        agent_actor, number=incident.number, expected_version=incident.version,
        changes={"assignee": "agent1"},
    )  # fmt: skip
    content = b"connection refused\n"
    attachment_add(
        agent_actor, target=f"incident/{incident.number}", upload=io.BytesIO(content),
        filename="trace.txt", size=len(content),
    )  # fmt: skip
    return incident


def test_the_incident_page_lists_its_files_without_reading_it_again(
    web, agent_actor, incident_with_file
):
    number = incident_with_file.number
    incident = selectors.incident_get(agent_actor, number=number)
    seen = attachment_card(agent_actor, incident, read=True)
    resolved = attachment_card(agent_actor, incident)
    assert [a.pk for a in seen["items"]] == [a.pk for a in resolved["items"]] != []
    assert seen["upload_url"] == resolved["upload_url"]
    assert core_selectors.record_attachment_page(incident).items == resolved["items"]

    web.get(f"/incidents/{number}/")  # warm: the first read fills the per-process caches
    with CaptureQueriesContext(connection) as ctx:
        page = web.get(f"/incidents/{number}/")
    assert page.status_code == 200
    assert b"trace.txt" in page.content
    statements = [q["sql"] for q in ctx.captured_queries]
    reads_of_it = [s for s in statements if re.search(r'FROM "incidents_incident"\s', s)]
    assert len(reads_of_it) == 1, reads_of_it
    # the stamps; the incident with its references and its clocks; the walk above its CI
    # (affected services: on SQLite the walk's ids, then their columns; PostgreSQL reads
    # them in the walk, decision 0054); the comments and the history; the history's names
    # of what no stamp guards (the CI); the files. Before decision 0043 the files' card read
    # the incident again (12); before decision 0083 the people's and the team's names were
    # read on every page (11, PostgreSQL 10).
    assert len(statements) == (8 if connection.vendor == "postgresql" else 9), "\n".join(statements)


def test_the_queue_pages_statements(web, agent_actor, queue):
    for path in ("/incidents/", "/incidents/?queue=my_teams"):
        web.get(path)  # warm: the first read fills the per-process caches
        with CaptureQueriesContext(connection) as ctx:
            assert web.get(path).status_code == 200
        # the stamps, the page with its keys (decisions 0042, 0064: one statement), their
        # clocks; the saved views are kept under their stamp (0064)
        assert len(ctx.captured_queries) == 3, [q["sql"] for q in ctx.captured_queries]


def test_templates_are_compiled_once_per_process():
    """The cached loader (Django's default without ``loaders``, DEBUG or not): a template is
    parsed on its first use only."""
    (partials,) = engines["django"].engine.template_loaders  # template_partials' wrapper
    assert [type(loader) for loader in partials.loaders] == [cached.Loader]
