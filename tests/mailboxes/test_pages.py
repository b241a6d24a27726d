"""The mailbox pages through Django's test client with the real middleware: administrators
add and edit mailboxes (the password never shown), see the quarantine with its error and
retry from it; everyone else gets the 403 page."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.mailboxes.models import InboundMessage, Mailbox
from steward.mailboxes.services import mail_ingest
from tests.mailboxes.conftest import eml

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Support",
    "address": "support@example.com",
    "kind": "imap",
    "imap_host": "imap.example.com",
    "imap_port": "993",
    "imap_tls": "on",
    "imap_folder": "INBOX",
    "imap_username": "support",
    "imap_password": "s3cret-pass",
    "poll_seconds": "120",
    "is_active": "on",
}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_web(admin_user):
    return client_for(admin_user)


def test_an_administrator_adds_a_mailbox_and_never_sees_the_password_again(admin_web):
    created = admin_web.post("/mailboxes/new/", NEW)

    assert created.status_code == 303, created.content.decode()[:2000]
    assert created["Location"] == "/mailboxes/support/"
    mailbox = Mailbox.objects.get(slug="support")
    assert mailbox.imap_password == "s3cret-pass"
    assert mailbox.poll_seconds == 120
    for url in ("/mailboxes/", "/mailboxes/support/", "/mailboxes/support/edit/"):
        page = admin_web.get(url)
        assert page.status_code == 200, url
        assert b"s3cret-pass" not in page.content, url
    assert b"set (never shown)" in admin_web.get("/mailboxes/support/").content


def test_editing_without_a_password_keeps_it(admin_web):
    admin_web.post("/mailboxes/new/", NEW)

    edited = admin_web.post(
        "/mailboxes/support/edit/",
        {**NEW, "imap_password": "", "poll_seconds": "300", "version": "1"},
    )

    assert edited.status_code == 303
    mailbox = Mailbox.objects.get(slug="support")
    assert mailbox.imap_password == "s3cret-pass"
    assert mailbox.poll_seconds == 300
    assert mailbox.version == 2


def test_a_refused_value_shows_beside_its_field(admin_web):
    page = admin_web.post("/mailboxes/new/", {**NEW, "address": "nonsense"})

    assert page.status_code == 422
    assert b"not a valid email address" in page.content
    assert not Mailbox.objects.exists()


def test_the_quarantine_shows_the_error_and_retry_processes_the_message(
    admin_web, mailbox, alice, settings
):
    settings.MAIL_SENDER_LIMIT = 1
    mail_ingest(mailbox, eml(subject="first"))
    held = mail_ingest(mailbox, eml(subject="second"))

    listed = admin_web.get("/mailboxes/messages/")
    detail = admin_web.get(f"/mailboxes/messages/{held.pk}/")
    raw = admin_web.get(f"/mailboxes/messages/{held.pk}/raw/")
    retried = admin_web.post(f"/mailboxes/messages/{held.pk}/retry/")

    assert listed.status_code == 200
    assert b"second" in listed.content
    assert b"first" not in listed.content  # the quarantine lists only quarantined mail
    assert b"more than 1 messages from alice@example.com" in detail.content
    assert b"Retry" in detail.content
    assert raw["Content-Type"] == "message/rfc822"
    assert raw.content == bytes(held.raw)
    assert retried.status_code == 302
    assert InboundMessage.objects.get(pk=held.pk).status == "created"
    again = admin_web.post(f"/mailboxes/messages/{held.pk}/retry/")
    assert again.status_code == 409


def test_a_bad_status_filter_is_refused_beside_the_field(admin_web):
    page = admin_web.get("/mailboxes/messages/", {"status": "bogus"})

    assert page.status_code == 422


def test_an_empty_list_says_which_mail_it_looked_for(admin_web, mailbox, alice):
    """The page opens on the quarantine; "No mail here." read as if no mail had come in."""
    mail_ingest(mailbox, eml(subject="Printer jammed"))

    opened = admin_web.get("/mailboxes/messages/")
    searched = admin_web.get("/mailboxes/messages/", {"q": "printer"})
    every = admin_web.get("/mailboxes/messages/", {"q": "printer", "status": ""})

    assert b"Nothing in quarantine." in opened.content
    assert b"No mail matches this search and outcome." in searched.content
    assert b"Printer jammed" in every.content
    assert b'<label class="sr-only" for="id_status">Outcome</label>' in opened.content


@pytest.mark.parametrize("role", ["agent_user", "requester_user"])
def test_nobody_else_opens_the_mailbox_pages(request, mailbox, alice, role):
    web = client_for(request.getfixturevalue(role))
    message = mail_ingest(mailbox, eml())

    for url in (
        "/mailboxes/",
        "/mailboxes/new/",
        f"/mailboxes/{mailbox.slug}/",
        "/mailboxes/messages/",
        f"/mailboxes/messages/{message.pk}/raw/",
    ):
        assert web.get(url).status_code == 403, url
    assert web.post(f"/mailboxes/messages/{message.pk}/discard/").status_code == 403
    assert InboundMessage.objects.get(pk=message.pk).status == "created"


def test_a_reply_that_came_by_mail_says_so_on_the_incident(mailbox, alice):
    opened = mail_ingest(mailbox, eml())
    mail_ingest(mailbox, eml(subject=f"Re: [{opened.record_number}]", body="Tray 2."))

    page = client_for(alice).get(f"/incidents/{opened.record_number}/")

    assert page.status_code == 200
    assert b"reply by email" in page.content


def test_an_administrator_makes_a_mailbox_open_requests_of_an_item(admin_web):
    from steward.catalog import services as catalog_services
    from tests.mailboxes.conftest import SYSTEM

    item = catalog_services.item_create(SYSTEM, name="General request")
    strict = catalog_services.item_create(
        SYSTEM,
        name="Strict",
        form=[{"key": "why", "label": "Why", "type": "text", "required": True}],
    )
    form = admin_web.get("/mailboxes/new/").content.decode()
    assert 'name="record_type"' in form
    assert f'value="{item.slug}"' in form  # the items are offered by name

    refused = admin_web.post(
        "/mailboxes/new/", {**NEW, "record_type": "request", "catalog_item": strict.slug}
    )
    assert refused.status_code == 422
    assert "which a mail cannot answer" in refused.content.decode()
    assert not Mailbox.objects.exists()

    created = admin_web.post(
        "/mailboxes/new/", {**NEW, "record_type": "request", "catalog_item": item.slug}
    )
    assert created.status_code == 303, created.content.decode()[:2000]
    mailbox = Mailbox.objects.get(slug="support")
    assert (mailbox.record_type, mailbox.catalog_item) == ("request", item)
    assert b"General request" in admin_web.get("/mailboxes/support/").content
