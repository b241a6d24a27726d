"""The queue page with its parts kept and its rows written in one pass (decision 0075) is the
page its templates draw: ``kept.KEEP`` and ``incident_queue.FAST`` on against both off, byte
for byte (CSRF tokens masked, one "now"), for an agent in four teams, an agent in one, an
agent limited to an organisation, a requester and an administrator; filters, orders, refused
values, the second page, the htmx swap; a German reader in Berlin; titles and a team name
with markup. Each kept part is then shown to change with what it shows."""

from __future__ import annotations

import random
import re

import pytest
from django import forms
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timesince as django_timesince
from django.utils import timezone

from steward.core.models import Team
from steward.core.services import team_update
from steward.incidents import demo
from steward.incidents.forms import QueueFilterForm
from steward.incidents.models import Incident
from steward.incidents.templatetags import incident_queue
from steward.web.templatetags import kept
from tests import factories
from tests.incidents.conftest import demo_desk

pytestmark = pytest.mark.django_db

HOSTILE = ('<script>alert("x")</script>', 'Tom & Jerry\'s <b>bold</b> "quoted"', "a < b > c &amp;")
PATHS = (
    "/incidents/",
    "/incidents/?queue=all",
    "/incidents/?queue=open&order=newest",
    "/incidents/?queue=all&order=oldest",
    "/incidents/?queue=all&order=updated",
    "/incidents/?queue=all&priority=2",
    "/incidents/?queue=all&status=new",
    "/incidents/?queue=all&team=network",
    "/incidents/?queue=all&q=%3Cscript%3E",  # the search box shows the words, escaped
    "/incidents/?queue=mine",
    "/incidents/?queue=sideways&order=upwards",  # refused: named beside their fields
    "/incidents/?queue=all&priority=9&colour=red",  # refused, and a filter the bar has not
    "/incidents/?queue=all&partial=1",
)


def _masked(html: bytes) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1…", html.decode())


@pytest.fixture
def frozen(monkeypatch):
    """One "now" for every drawing (``… ago`` and the clocks' time left)."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)
    real = django_timesince.timesince
    monkeypatch.setattr(
        django_timesince, "timesince", lambda d, at=None, **kw: real(d, at or now, **kw)
    )


@pytest.fixture
def switches(monkeypatch):
    """``draw(on)``: the switches set for the next request (kept parts from earlier requests
    stay kept, as in a worker)."""
    kept.forget()
    monkeypatch.setattr(kept, "KEEP", True)
    monkeypatch.setattr(incident_queue, "FAST", True)

    def draw(on: bool) -> None:
        monkeypatch.setattr(kept, "KEEP", on)
        monkeypatch.setattr(incident_queue, "FAST", on)

    yield draw
    kept.forget()


@pytest.fixture
def world(admin_actor, agent_user, always_on, frozen):
    """The demo's teams and 80 incidents; three with markup in their titles, one major, a
    team named with markup; who reads them."""
    one_team, limited = demo_desk(admin_actor, agent_user)
    demo.load(random.Random(5), count=80)
    newest = list(Incident.objects.order_by("-number")[:4])
    for incident, title in zip(newest, HOSTILE, strict=False):
        Incident.objects.filter(pk=incident.pk).update(
            title=title,
            status="new",
            is_open=True,
            priority=1,
            team=Team.objects.get(slug="network"),
        )
    Incident.objects.filter(pk=newest[3].pk).update(
        is_major=True, team=Team.objects.get(slug="lab")
    )
    organisation, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    limited.served_organisations.add(organisation)
    ids = list(Incident.objects.order_by("id").values_list("id", flat=True))
    Incident.objects.filter(id__in=ids[:20]).update(organisation=organisation)
    Incident.objects.filter(id__in=ids[20:50]).update(organisation=other)
    requester = Incident.objects.order_by("-number").first().caller
    return {
        "agent": agent_user,
        "one team": one_team,
        "limited": limited,
        "requester": requester,
        "admin": factories.admin(username="boss"),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _same(client: Client, draw, path: str, **headers) -> str:
    """The page drawn with the switches off, then on twice (drawn, then kept): equal."""
    pages = []
    for on in (False, True, True):
        draw(on)
        response = client.get(path, **headers)
        assert response.status_code == 200, path
        pages.append(_masked(response.content))
    assert pages[1] == pages[0], path
    assert pages[2] == pages[0], path
    return pages[0]


def _next_page(html: str) -> str | None:
    found = re.search(r'<a class="button" rel="next" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.parametrize("who", ["agent", "one team", "limited", "requester", "admin"])
def test_the_kept_page_is_the_templates_page(world, switches, who):
    client = _client(world[who])
    seen_rows = 0
    for path in PATHS:
        headers = {"HTTP_HX_REQUEST": "true"} if "partial" in path else {}
        html = _same(client, switches, path, **headers)
        seen_rows += html.count("<tr>\n")
        second = _next_page(html)
        if second:  # the second page: its pager has "First page" too
            assert "First page" in _same(client, switches, f"/incidents/{second}")
    assert seen_rows > 40, who  # not vacuous: the queues have rows


def test_hostile_titles_and_team_names_are_escaped_both_ways(world, switches):
    html = _same(_client(world["agent"]), switches, "/incidents/?queue=all")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry&#x27;s &lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot;" in html
    assert "a &lt; b &gt; c &amp;amp;" in html
    assert "R&amp;D &lt;lab&gt;" in html  # the row's team cell and the filter's option
    assert "<script>alert" not in html
    assert 'class="badge major"' in html


def test_a_german_reader_in_berlin_after_an_english_one(world, switches):
    """The kept parts and the rows' days are per language and zone: the English page first,
    so a part or a day kept without its language would show English to the German."""
    user = world["agent"]
    client = _client(user)
    english = _same(client, switches, "/incidents/?queue=all")
    user.language = "de"  # the language alone first: the zone is a key of its own
    user.save(update_fields=["language"])
    german = _same(client, switches, "/incidents/?queue=all")
    assert english != german
    assert '<html lang="de"' in german
    assert ">Jeder Status</option>" in german  # the kept filter bar, in German
    assert ">Alle</a>" in german  # and the kept tabs
    assert re.search(r"\d+\. (Dez\.|Nov\.|Okt\.) 20\d\d", german)  # days, in German
    user.time_zone = "Europe/Berlin"
    user.save(update_fields=["time_zone"])
    berlin = _same(client, switches, "/incidents/?queue=all")
    assert "+01:00" in berlin  # the opened and due times in Berlin's zone
    assert "+01:00" not in german


def test_a_renamed_team_is_offered_by_its_new_name(world, switches, admin_actor):
    client = _client(world["agent"])
    before = _same(client, switches, "/incidents/?queue=all")
    assert ">Workplace</option>" in before
    team = Team.objects.get(slug="workplace")
    team_update(admin_actor, slug="workplace", expected_version=None, changes={"name": "Desk side"})
    switches(True)
    after = _masked(client.get("/incidents/?queue=all").content)
    assert ">Desk side</option>" in after
    assert ">Workplace</option>" not in after
    assert after == _same(client, switches, "/incidents/?queue=all")
    assert team.slug in after


def test_a_failed_save_view_shows_what_was_sent_and_why(world, switches):
    """The save-view form is kept fresh; a bound one is drawn every time, never kept: two
    failures in a row each show their own value and reason."""
    client = _client(world["agent"])
    _same(client, switches, "/incidents/?queue=all")  # the fresh form kept
    for name in ("", "a name far too long " * 4):
        pages = []
        for on in (False, True):
            switches(on)
            response = client.post(
                "/incidents/views/", {"name": name, "query": "queue=all"}, HTTP_HX_REQUEST="true"
            )
            pages.append((response.status_code, _masked(response.content)))
        assert pages[1] == pages[0], name
        status, html = pages[0]
        assert status == 422
        assert 'class="field invalid"' in html
        assert f'value="{name}"' in html if name else 'name="name"' in html


def test_the_home_pages_navigation_lights_its_own_module(world, switches):
    """The navigation kept on the queue (Incidents lit) is not the home page's (Overview)."""
    client = _client(world["agent"])
    _same(client, switches, "/incidents/")
    navigation = []
    for on in (False, True):
        switches(on)
        html = _masked(client.get("/").content)
        navigation.append(re.search(r'<nav class="modules".*?</nav>', html, re.S).group(0))
    assert navigation[1] == navigation[0]
    assert re.search(r'href="/"\s+aria-current="page"', navigation[0])


@pytest.mark.parametrize("who", ["agent", "one team", "limited", "requester"])
def test_a_warm_pages_statements(world, switches, who):
    """Not one statement more than the templates' page: the stamps, the page with its keys,
    the clocks (decisions 0042, 0064) for those who see everything; the scoped read for the
    others."""
    client = _client(world[who])
    counts = {}
    for on in (False, True):
        switches(on)
        client.get("/incidents/?queue=all")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/incidents/?queue=all").status_code == 200
        counts[on] = len(ctx.captured_queries)
    assert counts[True] <= counts[False]
    assert counts[True] == {"agent": 3, "one team": 3, "limited": 3, "requester": 3}[who]


def test_the_kept_parts_are_few_and_bounded(world, switches, monkeypatch):
    monkeypatch.setattr(kept, "LIMIT", 4)
    client = _client(world["agent"])
    for path in PATHS[:6]:
        _same(client, switches, path)
    assert len(kept._kept) <= 4


@pytest.mark.parametrize("who", ["agent", "requester"])
def test_a_field_added_to_the_filter_bar_is_in_its_key(world, switches, monkeypatch, who):
    """``filters_key`` takes its values from the filter form's fields, so a new one cannot be
    left out: the bar kept with one value of it is not shown for another (a key built by hand
    kept the first value's bar; checked with the hand-kept list back)."""
    monkeypatch.setitem(
        QueueFilterForm.base_fields, "site", forms.CharField(label="Site", required=False)
    )
    client = _client(world[who])
    for site in ("north", "south"):
        html = _same(client, switches, f"/incidents/?queue=all&site={site}")
        assert f'name="site" value="{site}"' in html
