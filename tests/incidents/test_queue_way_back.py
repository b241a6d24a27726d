"""An incident opened from a filtered queue leads back to that queue: its "← Incidents" and
the page a saved form reloads carry the queue's filters (the ``back`` parameter), read back
as the queue reads them, so the way back is only ever this site's queue with its known
filters, never a text the address brought (docs/incidents.md)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.incidents.services import incident_create, incident_take
from steward.incidents.views import queue_text
from tests.conftest import as_actor
from tests.web.html import elements

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# a queue an agent filters: a tab, a team, a priority, a status and a linked filter
FILTERS = {"queue": "all", "team": "desk", "status": "in_progress", "breached": "false"}


@pytest.fixture
def taken(agent_user, desk, requester_user):
    incident = incident_create(
        as_actor(agent_user), title="Monitor flickers", team="desk", caller=requester_user.username
    )
    return incident_take(as_actor(agent_user), number=incident.number)


def _row_link(html: bytes, number: str) -> str:
    found = [e.attrs["href"] for e in elements(html, "a") if e.text.strip() == number]
    assert found, f"no link to {number} on the queue"
    return found[0]


def _back_link(html: bytes) -> str:
    """The record page's way back (its heading's "← Incidents")."""
    found = [e.attrs["href"] for e in elements(html, "a") if e.text.strip() == "← Incidents"]
    assert len(found) == 1, found
    return found[0]


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _filters(taken) -> dict[str, str]:
    return {**FILTERS, "priority": str(taken.priority)}


@pytest.mark.parametrize("kept", [True, False], ids=["kept-rows", "written-rows"])
def test_a_filtered_queue_opens_its_records_with_the_way_back(web, taken, kept, monkeypatch):
    monkeypatch.setattr(queue_text, "KEEP", kept)
    queue = web.get("/incidents/", _filters(taken))
    link = _row_link(queue.content, taken.number)
    assert urlsplit(link).path == f"/incidents/{taken.number}/"
    back = _query(link)["back"][0]

    page = web.get(link)
    assert page.status_code == 200
    way_back = _back_link(page.content)
    assert urlsplit(way_back).path == "/incidents/"
    shown = _query(way_back)
    for name, value in _filters(taken).items():
        assert shown[name] == [value], name
    assert parse_qs(back) == shown
    # and it is the queue she left: the same filter chip and the same row
    again = web.get(way_back)
    assert "SLA not breached" in again.content.decode()
    assert _row_link(again.content, taken.number) == link


def test_the_default_queue_opens_records_at_their_plain_address(web, taken):
    # nothing chosen: the record page's link leads to this very queue anyway
    assert _row_link(web.get("/incidents/").content, taken.number) == f"/incidents/{taken.number}/"
    assert _back_link(web.get(f"/incidents/{taken.number}/").content) == "/incidents/"
    # a tab chosen is a queue to go back to
    queue = web.get("/incidents/", {"queue": "all"})
    assert _row_link(queue.content, taken.number) == (
        f"/incidents/{taken.number}/?back=queue%3Dall%26order%3Dpriority"
    )


def _form(incident, **changes) -> dict:
    return {
        "version": incident.version,
        "team": incident.team.slug if incident.team else "",
        "assignee": incident.assignee.username if incident.assignee else "",
        "impact": incident.impact,
        "urgency": incident.urgency,
        **changes,
    }


def test_a_saved_incident_still_leads_back_to_the_queue(web, taken):
    link = _row_link(web.get("/incidents/", _filters(taken)).content, taken.number)
    page = web.get(link)
    html = page.content.decode()
    back = _query(link)["back"][0]
    # every form of the page posts to an address carrying the queue
    for action in ("update", "comment"):
        found = re.search(rf'action="(/incidents/{taken.number}/{action}/[^"]*)"', html)
        assert found is not None, action
        assert _query(found.group(1).replace("&amp;", "&"))["back"] == [back], action

    saved = web.post(
        f"/incidents/{taken.number}/update/?{urlencode({'back': back})}",
        _form(taken, urgency=1),
        headers=HTMX,
    )
    assert saved.status_code == 204, saved.content
    reloaded = saved["HX-Redirect"]
    assert reloaded.startswith(f"/incidents/{taken.number}/?back=")
    assert reloaded.endswith("#work")
    assert parse_qs(_query(reloaded.split("#")[0])["back"][0]) == parse_qs(back)
    assert _query(_back_link(web.get(reloaded).content)) == parse_qs(back)

    # without JavaScript, a comment: 303 to the page, the way back kept
    posted = web.post(
        f"/incidents/{taken.number}/comment/?{urlsplit(link).query}", {"body": "On it."}
    )
    assert posted.status_code == 303
    assert parse_qs(_query(posted["Location"].split("#")[0])["back"][0]) == parse_qs(back)


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/phish",
        "//evil.example/incidents/",
        "queue=all&next=https://evil.example/",
        "status=bogus&team=nosuchteam&priority=9&order=evil",
        "assignee=bstranger&ci=CI7777777&caller=%22%3E%3Cb%3Eevil",
        "evil" * 1200,
    ],
    ids=["absolute", "scheme-relative", "unknown-name", "refused", "unseen-names", "too-long"],
)
def test_the_way_back_is_only_ever_the_queue_with_what_it_can_read(web, taken, back):
    page = web.get(f"/incidents/{taken.number}/", {"back": back})
    assert page.status_code == 200
    html = page.content.decode()
    way_back = _back_link(page.content)
    assert way_back.startswith("/incidents/")
    assert not way_back.startswith("//")
    for never in ("evil", "bogus", "nosuchteam", "bstranger", "CI7777777", "priority=9"):
        assert never not in html, never
    saved = web.post(
        f"/incidents/{taken.number}/update/?{urlencode({'back': back})}", _form(taken, urgency=1)
    )
    assert saved.status_code == 303
    assert saved["Location"].startswith(f"/incidents/{taken.number}/")
    assert "evil" not in saved["Location"]


def test_a_search_is_carried_as_typed_and_never_as_markup(web, taken):
    typed = '"><script>alert(1)</script>'
    page = web.get(f"/incidents/{taken.number}/", {"back": urlencode({"queue": "all", "q": typed})})
    way_back = _back_link(page.content)
    assert _query(way_back)["q"] == [typed]  # her search, as the queue's search box kept it
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "alert(1)" not in html  # only percent-encoded, inside the address


def test_the_written_page_carries_the_way_back_as_its_templates_do(web, taken, switches, frozen):
    """The heading and the "Work it" panel written in Python (decisions 0098, 0117) carry
    the queue exactly as the templates do."""
    link = _row_link(web.get("/incidents/", _filters(taken)).content, taken.number)
    token = re.compile(r"[A-Za-z0-9]{64}")
    switches(True)
    written = token.sub("TOKEN", web.get(link).content.decode())
    switches(False)
    drawn = token.sub("TOKEN", web.get(link).content.decode())
    assert written == drawn
    # the update and comment forms and the files card's upload, each in its action and
    # hx-post (no Take: it is taken), and the problems panel's address
    assert drawn.count("?back=") == 7


@pytest.mark.parametrize("kept", [True, False], ids=["kept-rows", "written-rows"])
def test_taking_from_a_filtered_queue_keeps_the_way_back(
    web, agent_user, desk, requester_user, kept, monkeypatch
):
    monkeypatch.setattr(queue_text, "KEEP", kept)
    waiting = incident_create(
        as_actor(agent_user), title="Printer jams", team="desk", caller=requester_user.username
    )
    queue = web.get("/incidents/", {"queue": "unassigned", "team": "desk"})
    takes = [e.attrs["hx-post"] for e in elements(queue.content, "button") if "hx-post" in e.attrs]
    back = "?back=queue%3Dunassigned%26order%3Dpriority%26team%3Ddesk"
    take = f"/incidents/{waiting.number}/take/{back}"
    assert take in takes
    taken = web.post(take, headers=HTMX)
    assert taken.status_code == 204
    assert taken["HX-Redirect"] == f"/incidents/{waiting.number}/{back}#work"


def test_an_upload_without_javascript_returns_to_the_page_with_its_way_back(web, taken):
    """The files card posted to /attachments/… and came back to the plain incident page,
    without the queue it was opened from: its address now carries it, rebuilt as the page
    reads it."""
    page = web.get(f"/incidents/{taken.number}/", {"back": urlencode(_filters(taken))})
    [upload] = [f for f in elements(page.content, "form") if "/attachments/" in f.attrs["action"]]
    file = SimpleUploadedFile("log.txt", b"line 1\n", "text/plain")

    done = web.post(upload.attrs["action"], {"files": [file]})

    assert done.status_code == 303
    where = urlsplit(done["Location"])
    assert (where.path, where.fragment) == (f"/incidents/{taken.number}/", "attachments")
    # the queue as the page's own "← Incidents" names it
    assert parse_qs(_query(done["Location"])["back"][0]) == _query(_back_link(page.content))
