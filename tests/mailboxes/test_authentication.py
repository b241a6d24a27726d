"""A forged From acts as nobody when a receiving mail server is trusted (decision 0093): only
the ``Authentication-Results`` of ``STEWARD_MAIL_TRUSTED_AUTHSERV_ID`` count, a known
person's unauthenticated mail is quarantined (an agent's above all: an agent's reply is
mailed to the caller), and with the setting empty the From is believed as before."""

from __future__ import annotations

import pytest

from steward.conf import SETTINGS
from steward.core.actor import Actor
from steward.core.models import Comment
from steward.incidents.models import Incident
from steward.mailboxes.models import InboundMessage
from steward.mailboxes.services import mail_ingest, mail_ingest_many, message_retry
from steward.mailboxes.services.authres import parse, unproven
from steward.mailboxes.services.parsing import parse_head
from tests import factories
from tests.mailboxes.conftest import eml

pytestmark = pytest.mark.django_db

MX = "mx.example.com"
PASS = f"{MX}; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com; dmarc=pass (p=reject) header.from=example.com"  # noqa: E501


@pytest.fixture
def trusted(settings):
    settings.MAIL_TRUSTED_AUTHSERV_ID = [MX]


@pytest.fixture
def ann(db):
    """An agent: her mail replies are public replies mailed to the caller."""
    return factories.agent(username="ann", email="ann@example.com")


@pytest.fixture
def opened(mailbox, alice, ann, settings):
    """Alice's incident, opened by her authenticated mail."""
    settings.MAIL_TRUSTED_AUTHSERV_ID = [MX]
    message = mail_ingest(mailbox, eml(headers={"Authentication-Results": PASS}))
    assert message.status == "created"
    return Incident.objects.get(number=message.record_number)


def _reply(incident: Incident, sender: str, *results: str) -> bytes:
    raw = eml(sender=sender, subject=f"Re: [{incident.number}] printer", body="Closing this.")
    lines = b"".join(f"Authentication-Results: {r}\r\n".encode() for r in results)
    return lines + raw


FORGED = {
    "no-results": (),
    "foreign-authserv-pass": ("evil.test; dmarc=pass header.from=example.com",),
    "trusted-fail": (f"{MX}; dmarc=fail (p=none) header.from=example.com",),
    "trusted-none": (f"{MX}; none",),
    "trusted-pass-for-another-domain": (f"{MX}; dmarc=pass header.from=evil.test",),
    "forged-pass-under-the-servers-fail": (
        f"{MX}; dmarc=fail header.from=example.com",
        f"{MX}; dmarc=pass header.from=example.com",
    ),
    "dkim-pass-unaligned": (f"{MX}; dkim=pass header.d=evil.test; spf=fail",),
    "spf-pass-and-dkim-unaligned": (f"{MX}; spf=pass smtp.mailfrom=evil.test",),
    "trusted-garbage": (f"{MX}; dmarc pass",),
    "trusted-garbage-beside-a-pass": (f"{MX}; (", PASS),
}


@pytest.mark.parametrize("results", FORGED.values(), ids=FORGED.keys())
def test_a_forged_agent_reply_is_quarantined(opened, results):
    before = Comment.objects.count()

    message = mail_ingest(opened_mailbox(opened), _reply(opened, "Ann <ann@example.com>", *results))

    assert message.status == "quarantined"
    assert message.reason.startswith("the mail server did not authenticate the From ann@")
    assert message.caller is None
    assert Comment.objects.count() == before
    assert Incident.objects.count() == 1


@pytest.mark.parametrize("results", FORGED.values(), ids=FORGED.keys())
def test_a_forged_caller_reply_is_quarantined_in_a_batch_too(opened, results):
    before = Comment.objects.count()

    [message] = mail_ingest_many(
        opened_mailbox(opened), [_reply(opened, "alice@example.com", *results)]
    )

    assert message.status == "quarantined"
    assert Comment.objects.count() == before


def opened_mailbox(incident: Incident):
    return InboundMessage.objects.get(record_number=incident.number).mailbox


PROVEN = {
    "dmarc-pass": (PASS,),
    "case-and-comments": (
        "(by us) MX.Example.COM 1; DMARC=Pass (p=reject) header.from=Example.COM",
    ),
    "quoted-authserv-and-reason": (f'"{MX}"; dmarc=pass reason="aligned; ok"',),
    "among-foreign-results": ("evil.test; dmarc=fail", PASS, "other.test; garbage ((("),
    "dkim-pass-aligned": (f"{MX}; dkim=pass (2048-bit) header.d=example.com header.s=s1",),
    "spf-pass-aligned": (f"{MX}; spf=pass smtp.mailfrom=bounces@example.com; dkim=none",),
}


@pytest.mark.parametrize("results", PROVEN.values(), ids=PROVEN.keys())
def test_an_authenticated_agent_reply_is_added(opened, results):
    message = mail_ingest(opened_mailbox(opened), _reply(opened, "ann@example.com", *results))

    assert message.status == "commented"
    assert Comment.objects.get(pk=message.comment_id).author.username == "ann"


def test_an_authenticated_caller_reply_is_added_in_a_batch(opened):
    [message] = mail_ingest_many(
        opened_mailbox(opened), [_reply(opened, "alice@example.com", PASS)]
    )

    assert message.status == "commented"
    assert Comment.objects.get(pk=message.comment_id).author.username == "alice"


def test_without_a_trusted_server_the_from_is_believed_as_before(opened, settings):
    settings.MAIL_TRUSTED_AUTHSERV_ID = []

    message = mail_ingest(opened_mailbox(opened), _reply(opened, "ann@example.com"))

    assert message.status == "commented"
    assert Comment.objects.get(pk=message.comment_id).author.username == "ann"


def test_a_retry_checks_again(opened, admin_actor):
    message = mail_ingest(opened_mailbox(opened), _reply(opened, "ann@example.com"))
    assert message.status == "quarantined"

    retried = message_retry(admin_actor, pk=message.pk)

    assert retried.status == "quarantined"
    assert Comment.objects.filter(author__username="ann").count() == 0


def test_a_new_incident_from_a_forged_known_sender_is_quarantined(mailbox, alice, trusted):
    message = mail_ingest(mailbox, eml(headers={"Authentication-Results": f"{MX}; dmarc=fail"}))

    assert message.status == "quarantined"
    assert "dmarc=fail" in message.reason
    assert Incident.objects.count() == 0


def test_an_unknown_sender_is_an_unknown_sender_either_way(open_mailbox, trusted):
    message = mail_ingest(open_mailbox, eml(sender="Zoe <zoe@elsewhere.test>"))

    assert message.status == "created"
    assert message.caller.email == "zoe@elsewhere.test"


@pytest.fixture
def admin_actor(db):
    return Actor(user=factories.admin(username="root", email="root@example.com"))


HOSTILE = [
    "",
    ";",
    "(",
    ")",
    '"',
    "\\",
    f"{MX}",
    f"{MX};",
    f"{MX}; dmarc",
    f"{MX}; dmarc=",
    f"{MX}; =pass",
    f"{MX}; dmarc=pass=pass",
    f"{MX}; dmarc=pass header.from",
    f'{MX}; dmarc=pass reason="unclosed',
    f"{MX}; dmarc=pass (unclosed comment",
    f"{MX}; dmarc=pass (a (nested) comment) header.from=example.com)",
    f"{MX} x; dmarc=pass",
    f"{MX}; dmarc=pa\x00ss",
    f"{MX}; dmarc=pass\udcff",
    f"{MX}; dmarc=pass header.from=" + "a" * 10_000 + ".example.com",
    f"{MX}; " + "(" * 5_000 + "dmarc=pass",
    f"{MX}; " + "dmarc=pass; " * 2_000,
    "=?utf-8?q?mx.example.com?=; dmarc=pass",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_header_authenticates_nothing(value):
    parse(value)  # never raises
    if value in (f"{MX};",):
        return  # a well-formed header with no results: see the next test
    assert unproven([value], "alice@example.com", [MX]) != ""


def test_a_header_without_results_authenticates_nothing():
    assert unproven([f"{MX};"], "alice@example.com", [MX]).startswith("no dmarc=pass")


def test_too_many_headers_authenticate_nothing():
    assert unproven([PASS] * 51, "alice@example.com", [MX]).startswith("more than 50")
    assert unproven([PASS] * 50, "alice@example.com", [MX]) == ""


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_header_in_a_message_is_quarantined_never_an_error(opened, value):
    raw = _reply(opened, "alice@example.com").replace(
        b"Subject:",
        b"Authentication-Results: " + value.encode("utf-8", "surrogateescape") + b"\r\nSubject:",
        1,
    )
    message = mail_ingest(opened_mailbox(opened), raw)

    assert message.status == "quarantined"
    assert message.comment_id is None


def test_every_header_is_read_in_order():
    raw = b"Authentication-Results: a; none\r\nAuthentication-Results: b; none\r\n" + eml()
    assert parse_head(raw).auth_results == ["a; none", "b; none"]


def test_the_setting_is_a_list(monkeypatch):
    setting = next(s for s in SETTINGS if s.name == "STEWARD_MAIL_TRUSTED_AUTHSERV_ID")
    monkeypatch.setenv(setting.name, " mx1.example.com, mx2.example.com ,")
    assert setting.read() == ["mx1.example.com", "mx2.example.com"]
    monkeypatch.setenv(setting.name, "")
    assert setting.read() == []
