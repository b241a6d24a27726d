"""``steward mail ingest --mailbox NAME < message.eml``, as a mail server runs it."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command

from steward.incidents.models import Incident
from tests.mailboxes.conftest import eml

pytestmark = pytest.mark.django_db


def _run(monkeypatch, raw: bytes, *args: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("mail", "ingest", *args, stdout=out)
    return out.getvalue()


def test_a_piped_message_opens_an_incident(monkeypatch, mailbox, alice):
    out = _run(monkeypatch, eml(), "--mailbox", "Desk")

    (incident,) = Incident.objects.all()
    assert out.startswith(f"created {incident.number}")


def test_the_mailbox_may_be_named_by_address(monkeypatch, mailbox, alice):
    out = _run(monkeypatch, eml(), "--mailbox", "DESK@example.com")

    assert out.startswith("created INC")


def test_an_unknown_mailbox_exits_67_so_the_mail_server_bounces(monkeypatch, mailbox):
    with pytest.raises(SystemExit) as exited:
        _run(monkeypatch, eml(), "--mailbox", "nope")

    assert exited.value.code == 67
    assert not Incident.objects.exists()
