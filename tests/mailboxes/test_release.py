"""An administrator releases mail quarantined because the mail server did not authenticate
its known sender (decision 0093): vouching for the sender, it becomes the incident or the
reply it should have been, audited, once (a second release processes nothing); mail held
for another reason is not released, and nobody but an administrator releases."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from steward.core.errors import Conflict, NotFound
from steward.core.models import AuditEntry, Comment
from steward.incidents.models import Incident
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import mail_ingest, message_release
from tests.conftest import api_client_for
from tests.mailboxes.conftest import eml
from tests.mailboxes.test_authentication import (  # noqa: F401 - fixtures
    MX,
    _reply,
    ann,
    opened,
    opened_mailbox,
)
from tests.web.html import elements

pytestmark = pytest.mark.django_db


@pytest.fixture
def trusted(settings):
    settings.MAIL_TRUSTED_AUTHSERV_ID = [MX]


def test_a_released_reply_is_added_once_and_audited(opened, admin_actor):  # noqa: F811
    held = mail_ingest(opened_mailbox(opened), _reply(opened, "ann@example.com"))
    assert held.status == "quarantined"

    released = message_release(admin_actor, pk=held.pk)

    assert released.status == "commented"
    comment = Comment.objects.get(pk=released.comment_id)
    assert (comment.author.username, comment.body) == ("ann", "Closing this.")
    ct = ContentType.objects.get_for_model(InboundMessage)
    entry = AuditEntry.objects.filter(content_type=ct, object_id=str(held.pk)).latest("pk")
    assert entry.actor_id == admin_actor.user.pk
    assert entry.changes["status"] == ["quarantined", "commented"]
    assert entry.changes["released"][1].startswith("the mail server did not authenticate")

    again = message_release(admin_actor, pk=held.pk)  # twice: processed once
    assert (again.status, again.attempts) == ("commented", released.attempts)
    assert Comment.objects.filter(author__username="ann").count() == 1


def test_a_released_new_mail_opens_its_incident(mailbox, alice, trusted, admin_user):
    held = mail_ingest(mailbox, eml(headers={"Authentication-Results": f"{MX}; dmarc=fail"}))
    assert (held.status, Incident.objects.count()) == ("quarantined", 0)
    web = Client()
    web.force_login(admin_user)
    page = web.get(f"/mailboxes/messages/{held.pk}/").content.decode()
    assert [b for b in elements(page, "button") if "Release" in b.text]

    assert web.post(f"/mailboxes/messages/{held.pk}/release/").status_code == 302
    assert web.post(f"/mailboxes/messages/{held.pk}/release/").status_code == 302
    held.refresh_from_db()
    assert held.status == "created"
    incident = Incident.objects.get()
    assert (incident.number, incident.caller.username) == (held.record_number, "alice")
    api = api_client_for(admin_user, scopes=("read", "write", "admin")).post(
        f"/api/v1/mail-messages/{held.pk}/release", {}
    )
    assert (api.status_code, api.json()["status"]) == (200, "created")  # as it is
    assert Incident.objects.count() == 1


def test_mail_held_for_another_reason_is_not_released(mailbox, alice, admin_actor):
    held = mail_ingest(mailbox, b"not a message at all")
    assert held.status == "quarantined"
    with pytest.raises(Conflict):
        message_release(admin_actor, pk=held.pk)
    assert InboundMessage.objects.get(pk=held.pk).status == "quarantined"


def test_only_an_administrator_releases(mailbox, alice, trusted, agent_actor, agent_user):
    held = mail_ingest(mailbox, eml(headers={"Authentication-Results": f"{MX}; dmarc=fail"}))
    with pytest.raises(NotFound):
        message_release(agent_actor, pk=held.pk)
    answer = api_client_for(agent_user).post(f"/api/v1/mail-messages/{held.pk}/release", {})
    assert answer.status_code == 404
    assert InboundMessage.objects.get(pk=held.pk).status == "quarantined"
