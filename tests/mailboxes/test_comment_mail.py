"""A comment that came by mail says so on the record, and agents who may see the record open
the message: its whole text, its HTML sanitised and inert beside it, the original as a
download. The caller, other requesters and agents of other organisations get 404."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from steward.core.models import Comment
from steward.incidents.models import Incident
from steward.mailboxes.services import mail_ingest
from tests import factories
from tests.mailboxes.conftest import eml

pytestmark = pytest.mark.django_db

HOSTILE = (
    "<html><body><p>It is <b>still</b> broken.</p>"
    "<script>alert(1)</script><iframe src='https://evil.example/'></iframe>"
    "<img src='https://tracker.example/p.gif'><p style='color:red' onclick='x()'>styled</p>"
    "<a href='javascript:alert(1)'>bad</a> <a href='https://ok.example/'>good</a>"
    "</body></html>"
)


@pytest.fixture
def reply(mailbox, alice):
    first = mail_ingest(mailbox, eml(message_id="<one@mail.example.com>"))
    message = mail_ingest(
        mailbox,
        eml(
            subject=f"Re: [{first.record_number}] printer",
            body="It is still broken.\n\nOn Mon, Desk wrote:\n> old",
            html=HOSTILE,
        ),
    )
    assert message.status == "commented"
    return message


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_agent_sees_the_message_with_inert_html(reply):
    agent = factories.agent(username="ann")
    client = _client(agent)
    incident = Incident.objects.get(number=reply.record_number)
    page = client.get(f"/incidents/{incident.number}/")
    link = f"/mailboxes/by-comment/{reply.comment_id}/"
    assert link.encode() in page.content
    assert b"by email" in page.content

    shown = client.get(link)
    assert shown.status_code == 200
    body = shown.content.decode()
    assert "&gt; old" in body  # the whole plain text, quotes included
    assert "<b>still</b>" in body
    html = body[body.index('class="mail-html"') :]
    for banned in ("<script", "<iframe", "<img", "style=", "onclick", "javascript:"):
        assert banned not in html
    assert re.search(r'<a href="https://ok.example/" rel="noopener noreferrer nofollow">', html)
    assert "script-src" in shown["Content-Security-Policy"]

    raw = client.get(f"/mailboxes/by-comment/{reply.comment_id}/raw/")
    assert raw["Content-Type"] == "message/rfc822"
    assert raw["Content-Disposition"].startswith("attachment;")
    assert bytes(raw.content) == bytes(reply.raw)


def test_requesters_get_404(reply, alice):
    incident = Incident.objects.get(number=reply.record_number)
    page = _client(alice).get(f"/incidents/{incident.number}/")
    assert b"/mailboxes/by-comment/" not in page.content  # the caller sees no link
    for user in (alice, factories.requester(username="rita")):
        for suffix in ("", "raw/"):
            url = f"/mailboxes/by-comment/{reply.comment_id}/{suffix}"
            assert _client(user).get(url).status_code == 404


def test_a_comment_not_from_mail_is_404(reply):
    agent = factories.agent(username="ann")
    typed = Comment.objects.exclude(pk=reply.comment_id).first()
    pk = typed.pk if typed else reply.comment_id + 1000
    assert _client(agent).get(f"/mailboxes/by-comment/{pk}/").status_code == 404
