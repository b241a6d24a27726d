"""The mail that opened a record: its page says it came by mail and links the message for
agents who may see the record (whole text, sanitised HTML, the original as a download);
the caller, other requesters and agents of other organisations get 404, as for a record
not opened by mail."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from steward.catalog import services as catalog_services
from steward.incidents import services as incident_services
from steward.mailboxes.services import mail_ingest, mailbox_create
from tests import factories
from tests.mailboxes.conftest import SYSTEM, eml

pytestmark = pytest.mark.django_db
SCRIPT = "<p>Screen is <b>black</b>.</p><script>alert(1)</script><img src='https://t.example/'>"


def _client(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def opened(mailbox, alice):
    message = mail_ingest(
        mailbox, eml(subject="Screen black", body="Screen is black.\n> quoted", html=SCRIPT)
    )
    assert message.status == "created"
    return message


@pytest.fixture
def opened_request(alice):
    item = catalog_services.item_create(SYSTEM, name="General request")
    box = mailbox_create(
        SYSTEM, name="R", address="req@example.com", kind="pipe", record_type="request",
        catalog_item=item.slug,
    )  # fmt: skip
    message = mail_ingest(box, eml(to="req@example.com", subject="Need a desk"))
    assert message.status == "created", message.reason
    return message


def test_an_agent_opens_the_mail_that_opened_an_incident(opened):
    agent = factories.agent(username="ann")
    client = _client(agent)
    number = opened.record_number
    page = client.get(f"/incidents/{number}/")
    link = f"/mailboxes/opened/incident/{number}/"
    assert link.encode() in page.content

    shown = client.get(link)
    assert shown.status_code == 200
    body = shown.content.decode()
    assert f"Opened {number} by email" in body
    assert "&gt; quoted" in body  # the whole text
    html = body[body.index('class="mail-html"') :]
    assert "<b>black</b>" in html
    assert "<script" not in html
    assert "<img" not in html
    raw = client.get(f"{link}raw/")
    assert raw["Content-Type"] == "message/rfc822"
    assert raw["Content-Disposition"].startswith("attachment;")
    assert bytes(raw.content) == bytes(opened.raw)


def test_an_agent_opens_the_mail_that_opened_a_request(opened_request):
    client = _client(factories.agent(username="ann"))
    number = opened_request.record_number
    page = client.get(f"/catalog/requests/{number}/")
    link = f"/mailboxes/opened/request/{number}/"
    assert link.encode() in page.content
    # its first reply is the mail's text, and links the same message
    assert f"/mailboxes/by-comment/{opened_request.comment_id}/".encode() in page.content
    assert client.get(link).status_code == 200
    assert bytes(client.get(f"{link}raw/").content) == bytes(opened_request.raw)


def test_the_caller_and_others_get_404_and_no_link(opened, opened_request, alice):
    rita = factories.requester(username="rita")
    number = opened.record_number
    assert b"/mailboxes/opened/" not in _client(alice).get(f"/incidents/{number}/").content
    for user in (alice, rita):
        for url in (
            f"/mailboxes/opened/incident/{number}/",
            f"/mailboxes/opened/incident/{number}/raw/",
            f"/mailboxes/opened/request/{opened_request.record_number}/",
            f"/mailboxes/opened/request/{opened_request.record_number}/raw/",
        ):
            assert _client(user).get(url).status_code == 404, (user, url)


def test_an_agent_of_other_organisations_gets_404(mailbox):
    acme = factories.OrganisationFactory(name="Acme", slug="acme")
    other = factories.OrganisationFactory(name="Elsewhere", slug="elsewhere")
    factories.requester(username="carl", email="carl@example.com", organisation=acme)
    message = mail_ingest(mailbox, eml(sender="carl@example.com"))
    limited = factories.agent(username="lim")
    limited.served_organisations.set([other])
    serving = factories.agent(username="serv")
    serving.served_organisations.set([acme])
    url = f"/mailboxes/opened/incident/{message.record_number}/"
    assert _client(limited).get(url).status_code == 404
    assert _client(serving).get(url).status_code == 200


def test_a_record_not_opened_by_mail_has_no_link_and_404(mailbox, alice):
    agent = factories.agent(username="ann")
    incident = incident_services.incident_create(
        SYSTEM, title="typed", caller=alice.username, channel="email"
    )
    client = _client(agent)
    assert b"/mailboxes/opened/" not in client.get(f"/incidents/{incident.number}/").content
    assert client.get(f"/mailboxes/opened/incident/{incident.number}/").status_code == 404
    # a number of the wrong kind is not found either
    assert client.get(f"/mailboxes/opened/request/{incident.number}/").status_code == 404


def test_the_opening_page_reads_a_fixed_number_of_rows(opened):
    client = _client(factories.agent(username="ann"))
    url = f"/mailboxes/opened/incident/{opened.record_number}/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 8, [q["sql"] for q in queries]
