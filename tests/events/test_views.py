"""The Events console and an alert's page: who sees them, the filters, the buttons, and a
list whose statements do not grow with its rows."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from steward.events.models import Alert
from tests import factories
from tests.events.conftest import send
from tests.query_counts import grows

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_requesters_get_404_and_no_menu_entry(monitor):
    alert = send(monitor).alert
    client = client_for(factories.requester())

    assert client.get("/events/").status_code == 404
    assert client.get(f"/events/{alert.pk}/").status_code == 404
    assert client.post(f"/events/{alert.pk}/move/", {"state": "closed"}).status_code == 404
    assert b'href="/events/"' not in client.get("/").content


def test_the_top_bar_leads_agents_to_the_console(monitor):
    send(monitor, node="db07", severity="minor")
    client = client_for(factories.agent())

    assert b'href="/events/"' in client.get("/").content
    page = client.get("/events/")
    assert page.status_code == 200
    assert b"db07" in page.content


def test_filters_narrow_and_a_bad_one_is_named(monitor):
    send(monitor, node="alpha01", severity="minor")
    send(monitor, node="beta01", severity="warning")
    client = client_for(factories.agent())

    page = client.get("/events/?severity=minor")
    bad = client.get("/events/?severity=fatal")

    assert b"alpha01" in page.content
    assert b"beta01" not in page.content
    assert bad.status_code == 422
    assert b"Severity: unknown value &#x27;fatal&#x27;: one of" in bad.content


def test_acknowledge_and_close_from_the_page(monitor):
    alert = send(monitor).alert
    client = client_for(factories.agent())

    page = client.get(f"/events/{alert.pk}/")
    assert b'value="acknowledged"' in page.content
    moved = client.post(f"/events/{alert.pk}/move/", {"state": "acknowledged"})
    assert moved.status_code == 302
    refused = client.post(f"/events/{alert.pk}/move/", {"state": "acknowledged"})
    assert refused.status_code == 409
    client.post(f"/events/{alert.pk}/move/", {"state": "closed"})

    alert.refresh_from_db()
    assert alert.state == "closed"
    assert b"nothing more to do" in client.get(f"/events/{alert.pk}/").content


def test_the_console_reads_a_fixed_number_of_statements(monitor):
    client = client_for(factories.agent())
    few, more = grows(
        lambda: send(monitor, node=f"n{next(_n)}", severity="critical"),
        lambda: client.get("/events/"),
    )
    assert few == more
    assert Alert.objects.exclude(incident=None).count() == 8


def test_hostile_text_is_escaped_in_the_console_and_its_search(monitor):
    send(monitor, node="evil01", summary='<script>alert("x")</script> & <b>')
    client = client_for(factories.agent())

    for q in ('<script>alert("x")</script>', "evil01", "'\"><img src=x onerror=alert(1)>"):
        response = client.get("/events/", {"q": q, "state": "all"})
        assert response.status_code == 200, q
        assert b"<script>alert" not in response.content
        assert b"<img src=x" not in response.content
    found = client.get("/events/", {"q": "evil01"}).content
    assert b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in found


def test_an_alerts_history_and_details_read_in_words(monitor):
    """The history names fields and states as the page does ("State: Open → Acknowledged",
    not "state: open → acknowledged"); the source's details are names and values, not
    Python's dictionary ("{'retry': True}")."""
    alert = send(monitor, details={"retry": True, "port": 443, "tags": ["db", "eu"]}).alert
    client = client_for(factories.agent())
    client.post(f"/events/{alert.pk}/move/", {"state": "acknowledged"})

    page = client.get(f"/events/{alert.pk}/").content.decode()
    assert "State: Open → Acknowledged" in page
    assert "state: open" not in page
    assert "<dt>retry</dt><dd>Yes</dd>" in page
    assert "<dt>port</dt><dd>443</dd>" in page
    assert "<dt>tags</dt><dd>[&quot;db&quot;, &quot;eu&quot;]</dd>" in page
    assert "True" not in page
