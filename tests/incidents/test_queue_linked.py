"""The queue's filters a link sets that the bar has no control for: named as removable chips
above the rows, carried by the bar, and only ever as the reader may see them (a person she
cannot see is never named, nothing of the query string is repeated)."""

import re

import pytest
from django.test import Client

from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from tests import factories
from tests.web.html import elements

pytestmark = pytest.mark.django_db


def _chips(page) -> list[str]:
    html = page.content.decode()
    block = re.search(r'<div class="linked-filters" id="linked-filters">(.*?)</div>', html, re.S)
    if block is None:
        return []
    chips = re.findall(r'<span class="chip">(.*?)</span>', block.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", chip).split()) for chip in chips]


def test_a_breached_link_is_named_carried_and_removable(web, agent_actor, desk):
    incident_create(agent_actor, title="Projector broken", team="desk")
    page = web.get("/incidents/", {"queue": "open", "breached": "1", "priority": "3"})

    assert page.status_code == 200
    assert _chips(page) == ["SLA breached ×"]
    # the bar carries it (its value as read, "1" said as "true"), so a change keeps it
    carried = elements(page.content, "input", name="breached")
    assert [e.attrs["value"] for e in carried] == ["true"]
    # the chip's × leads to the same queue without it, the bar's own choices kept
    link = re.search(
        r'href="([^"]*)" aria-label="Remove filter: SLA breached"', page.content.decode()
    )
    assert link is not None
    assert "breached" not in link.group(1)
    assert "queue=open" in link.group(1)
    assert "priority=3" in link.group(1)


def test_a_person_the_reader_sees_is_named_by_name(web, agent_actor, desk, agent_user):
    colleague = factories.agent(username="colleague", first_name="Cora", last_name="Lind")
    page = web.get("/incidents/", {"queue": "open", "assignee": colleague.username})

    assert _chips(page) == ["Assignee: Cora Lind ×"]
    page = web.get("/incidents/", {"queue": "open", "assignee": "me"})
    assert _chips(page) == ["Assignee: you ×"]


@pytest.fixture
def limited_world(agent_actor, desk):
    """A limited agent serving organisation A; a person and a CI of organisation B."""
    a, b = factories.OrganisationFactory(), factories.OrganisationFactory()
    limited = factories.agent(username="limited")
    limited.served_organisations.add(a)
    stranger = factories.agent(username="bstranger", first_name="Bea", last_name="Outsider")
    stranger.organisation = b
    stranger.save(update_fields=["organisation"])
    made = incident_create(agent_actor, title="Printer jammed", team="desk")
    Incident.objects.filter(pk=made.pk).update(organisation=a)
    client = Client()
    client.force_login(limited)
    return {"client": client, "stranger": stranger}


@pytest.mark.parametrize(
    ("name", "value", "label"),
    [
        ("assignee", "bstranger", "Assignee"),
        ("caller", "bstranger", "Caller"),
        ("ci", "CI7777777", "CI"),  # nothing: said the same way as an invisible one
        ("category", "no-such-category", "Category"),
    ],
)
def test_a_filter_naming_what_the_reader_cannot_see_is_left_out_unnamed(
    limited_world, name, value, label
):
    client = limited_world["client"]
    plain = client.get("/incidents/", {"queue": "open"})
    page = client.get("/incidents/", {"queue": "open", name: value})

    html = page.content.decode()
    assert page.status_code == 200
    assert value.lower() not in html.lower()  # not even in a hidden field or a link
    assert "Outsider" not in html
    assert _chips(page) == []
    assert f"The {label} filter was left out" in html
    # left out of the rows too: the same rows as without it
    assert "Printer jammed" in html
    assert "Printer jammed" in plain.content.decode()


def test_the_query_strings_text_is_never_repeated(web, agent_actor, desk):
    hostile = '"><script>alert(1)</script>'
    page = web.get("/incidents/", {"assignee": hostile, "ci": hostile, "service": hostile})

    html = page.content.decode()
    assert page.status_code == 200
    # neither as written nor as an address repeats it (the bulk form's way back did)
    assert "alert(1)" not in html
    assert "alert%281%29" not in html
