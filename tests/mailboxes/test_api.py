"""The mailbox API: administrators only, the password write-only, bad input a 422 naming
the field, and the quarantine's retry and discard."""

from __future__ import annotations

import json

import pytest

from steward.core.models import AuditEntry
from steward.mailboxes.models import Mailbox
from steward.mailboxes.services import mail_ingest
from tests.mailboxes.conftest import eml

pytestmark = pytest.mark.django_db

IMAP = {
    "name": "Support",
    "address": "support@example.com",
    "kind": "imap",
    "imap_host": "imap.example.com",
    "imap_username": "support",
    "imap_password": "s3cret-pass",
}


def test_an_administrator_creates_an_imap_mailbox_and_never_sees_its_password(admin_api):
    created = admin_api.post("/api/v1/mailboxes", IMAP)

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["slug"] == "support"
    assert body["has_password"] is True
    assert "imap_password" not in body
    assert Mailbox.objects.get(slug="support").imap_password == "s3cret-pass"
    read = admin_api.get("/api/v1/mailboxes/support")
    listed = admin_api.get("/api/v1/mailboxes")
    audit = admin_api.get("/api/v1/audit", {"object_type": "mailboxes.mailbox"})
    for response in (created, read, listed, audit):
        assert b"s3cret-pass" not in response.content
    assert "s3cret-pass" not in json.dumps(list(AuditEntry.objects.values_list("changes")))


def test_a_patch_with_an_empty_password_keeps_it(admin_api):
    admin_api.post("/api/v1/mailboxes", IMAP)

    patched = admin_api.patch(
        "/api/v1/mailboxes/support", {"imap_password": "", "poll_seconds": 300}
    )

    assert patched.status_code == 200, patched.content
    mailbox = Mailbox.objects.get(slug="support")
    assert mailbox.imap_password == "s3cret-pass"
    assert mailbox.poll_seconds == 300
    assert patched.json()["version"] == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**IMAP, "address": "not-an-address"}, "address"),
        ({**IMAP, "kind": "pop3"}, "kind"),
        ({**IMAP, "imap_host": ""}, "imap_host"),
        ({**IMAP, "imap_port": 70000}, "imap_port"),
        ({**IMAP, "poll_seconds": 1}, "poll_seconds"),
        ({**IMAP, "team": "no-such-team"}, "team"),
        ({**IMAP, "category": "no-such-category"}, "category"),
        ({**IMAP, "name": "two\nlines"}, "name"),
        ({**IMAP, "surprise": 1}, "surprise"),
    ],
    ids=["address", "kind", "host", "port", "poll", "team", "category", "newline", "unknown"],
)
def test_bad_input_is_a_422_naming_the_field(admin_api, payload, field):
    response = admin_api.post("/api/v1/mailboxes", payload)

    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"], response.json()
    assert not Mailbox.objects.exists()


def test_a_second_mailbox_with_the_same_address_is_refused(admin_api):
    admin_api.post("/api/v1/mailboxes", IMAP)

    again = admin_api.post("/api/v1/mailboxes", {**IMAP, "name": "Other"})

    assert again.status_code == 422
    assert again.json()["error"]["fields"]["address"] == ["another mailbox has this address"]


@pytest.mark.parametrize("client", ["agent_api", "requester_api"])
def test_nobody_but_administrators_sees_or_changes_mailboxes(request, admin_api, client):
    admin_api.post("/api/v1/mailboxes", IMAP)
    api = request.getfixturevalue(client)

    assert api.get("/api/v1/mailboxes").json()["items"] == []
    assert api.get("/api/v1/mailboxes/support").status_code == 404
    # an invisible mailbox answers like an absent one
    assert api.patch("/api/v1/mailboxes/support", {"name": "Mine"}).status_code == 404
    assert (
        api.patch("/api/v1/mailboxes/absent", {"name": "Mine"}).content
        == api.patch("/api/v1/mailboxes/support", {"name": "Mine"}).content
    )
    assert (
        api.post("/api/v1/mailboxes", {**IMAP, "name": "X", "address": "x@example.com"}).status_code
        == 403
    )
    assert api.get("/api/v1/mail-messages").json()["items"] == []


def test_a_mailbox_that_received_mail_is_deactivated_not_deleted(admin_api, mailbox, alice):
    mail_ingest(mailbox, eml())

    refused = admin_api.delete(f"/api/v1/mailboxes/{mailbox.slug}")
    admin_api.post("/api/v1/mailboxes", IMAP)
    removed = admin_api.delete("/api/v1/mailboxes/support")

    assert refused.status_code == 409
    assert "slug" in refused.json()["error"]["fields"]
    assert removed.status_code == 204
    assert list(Mailbox.objects.values_list("slug", flat=True)) == [mailbox.slug]


def test_the_quarantine_is_listed_with_its_error_and_retried(admin_api, mailbox, alice, settings):
    settings.MAIL_SENDER_LIMIT = 1
    mail_ingest(mailbox, eml(subject="first"))
    held = mail_ingest(mailbox, eml(subject="second"))

    listed = admin_api.get("/api/v1/mail-messages", {"status": "quarantined"})
    retried = admin_api.post(f"/api/v1/mail-messages/{held.pk}/retry")
    again = admin_api.post(f"/api/v1/mail-messages/{held.pk}/retry")

    (item,) = listed.json()["items"]
    assert item["id"] == held.pk
    assert "more than 1 messages from alice@example.com" in item["reason"]
    assert retried.status_code == 200, retried.content
    assert retried.json()["status"] == "created"
    assert retried.json()["record_number"].startswith("INC")
    assert again.status_code == 409
    assert admin_api.get("/api/v1/mail-messages", {"status": "bogus"}).status_code == 422


def test_a_mailbox_opening_requests_shows_its_item_and_refuses_a_strict_one(admin_api):
    from steward.catalog import services as catalog_services
    from tests.mailboxes.conftest import SYSTEM

    general = catalog_services.item_create(SYSTEM, name="General request")
    strict = catalog_services.item_create(
        SYSTEM,
        name="Strict",
        form=[{"key": "why", "label": "Why", "type": "text", "required": True}],
    )
    pipe = {"name": "Req", "address": "req@example.com", "kind": "pipe"}

    created = admin_api.post(
        "/api/v1/mailboxes", {**pipe, "record_type": "request", "catalog_item": general.slug}
    )
    assert created.status_code == 201, created.content
    assert created.json()["record_type"] == "request"
    assert created.json()["catalog_item"] == general.slug
    assert admin_api.get("/api/v1/mailboxes/req").json()["catalog_item"] == general.slug

    refused = admin_api.patch("/api/v1/mailboxes/req", {"catalog_item": strict.slug})
    assert refused.status_code == 422
    assert "catalog_item" in refused.json()["error"]["fields"]
    unknown = admin_api.patch("/api/v1/mailboxes/req", {"record_type": "ticket"})
    assert unknown.status_code == 422
    assert "record_type" in unknown.json()["error"]["fields"]
    cleared = admin_api.patch("/api/v1/mailboxes/req", {"catalog_item": None})
    assert cleared.status_code == 422  # a request mailbox needs its item
    back = admin_api.patch("/api/v1/mailboxes/req", {"record_type": "incident"})
    assert back.json()["record_type"] == "incident"
