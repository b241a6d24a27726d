"""The demo mailbox: made once, through the service, and it takes mail."""

from __future__ import annotations

import pytest

from steward.mailboxes import demo
from steward.mailboxes.models import Mailbox
from steward.mailboxes.services import mail_ingest
from tests.mailboxes.conftest import eml

pytestmark = pytest.mark.django_db


def test_the_demo_mailbox_is_made_once_and_opens_incidents():
    assert demo.load() == 1
    assert demo.load() == 0

    mailbox = Mailbox.objects.get(slug="service-desk")
    message = mail_ingest(mailbox, eml(sender="newbie@example.com", to=mailbox.address))
    assert message.status == "created"
