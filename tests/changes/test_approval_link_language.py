"""The page an emailed approval link opens reads German for a German approver (decision
0026), signed in or from a German browser: the change's facts, the form, its refusal, the
thanks and each "Nothing to decide" state (decided by them, by their delegate, by others,
withdrawn), and a delegate's link; the policy's label, the change's title and the people's
names are data, shown as entered. English readers read what they read before."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from steward.changes import services
from tests import factories
from tests.changes.conftest import HIGH, client_for, in_authorisation
from tests.conftest import as_actor
from tests.web.english_scan import PageWords
from tests.web.test_language_agents import AGENT

# The link page's words, on top of the chrome's and the agents': words German never contains.
LINK_WORDS = """thank decision recorded decide chose already delegate their comment required
    planned type choose"""
VOCABULARY = AGENT | frozenset(LINK_WORDS.split())


@pytest.fixture
def gated(agent_actor, new_change, cab, stack):
    """A high-risk change on the webshop's server: the CAB's approval (quorum 2) and the
    owner team lead's; the CAB's members and the lead read German."""
    team = factories.TeamFactory(name="Shop owners", slug="shop-owners")
    team.lead = factories.agent(username="shoplead")
    team.save()
    type(stack["service"]).objects.filter(pk=stack["service"].pk).update(owner_team=team)
    change = new_change(title="Drucker tauschen", cis=[stack["server"].number], risk_answers=HIGH)
    change = in_authorisation(agent_actor, change)
    for approval in change.approvals.all():
        approval.approvers.update(language="de")
    return change


def link(approval, approver, sent_to=None) -> str:
    token = services.approval_link_token(approval, approver=approver, sent_to=sent_to or approver)
    return f"/changes/approve/{token}/"


def read(client: Client, url: str, **post: str) -> str:
    answer = client.post(url, post) if post else client.get(url)
    assert answer.status_code in (200, 422), url
    return re.sub(r"\s+", " ", answer.content.decode())


def english_words(page: str, change) -> list[str]:
    """The page's English words, less the data (taken out where it stands): its approvals'
    labels and the names of the people on it."""
    for approval in change.approvals.all():
        page = page.replace(approval.label, "")
        for user in approval.approvers.all():
            page = page.replace(str(user), "")
    reader = PageWords()
    reader.feed(page)
    return sorted({w for w in reader.words if w.lower() in VOCABULARY})


def test_the_link_page_reads_german_for_a_german_approver(gated):
    cab_approval = gated.approvals.get(label="Change Advisory Board")
    first, second, third = cab_approval.approvers.order_by("username")
    url = link(cab_approval, first)
    german_browser = Client(HTTP_ACCEPT_LANGUAGE="de")

    for client in (client_for(first), german_browser):
        page = read(client, url)
        assert f"<title>{gated.number} genehmigen" in page
        assert "<dt>Typ</dt>" in page
        assert "<dt>Risiko</dt>" in page
        assert "<dt>Geplant</dt><dd>noch nicht geplant</dd>" in page
        assert '<label for="comment">Kommentar (zum Ablehnen nötig)</label>' in page
        assert 'value="approve" class="primary">Genehmigen</button>' in page
        assert 'value="reject">Ablehnen</button>' in page
        assert not english_words(page, gated), english_words(page, gated)

    refused = read(german_browser, url, comment="")
    assert "Wählen Sie „Genehmigen“ oder „Ablehnen“: " in refused
    assert "Danke: Ihre Entscheidung ist gespeichert. Die Genehmigung ist jetzt ausstehend." in (
        read(german_browser, url, decision="approve")
    )
    page = read(client_for(first), url)
    assert (
        "Nichts zu entscheiden: Sie haben schon „genehmigen“ gewählt. Die Genehmigung ist "
        "ausstehend." in page
    )
    assert not english_words(page, gated), english_words(page, gated)

    second.language = "en"  # an English approver's link, signed out: English, as before
    second.save(update_fields=["language"])
    english = Client()
    page = read(english, link(cab_approval, second))
    assert f"<title>Approve {gated.number}" in page
    assert "<dt>Planned</dt><dd>not planned yet</dd>" in page
    refused = read(english, link(cab_approval, second), comment="")
    assert "Choose approve or reject: This field is required." in refused
    done = read(english, link(cab_approval, second), decision="approve")
    assert "Thank you: your decision is recorded. The approval is now approved." in done
    page = read(client_for(third), link(cab_approval, third))  # approved without them
    assert "Nichts zu entscheiden: Diese Genehmigung ist genehmigt." in page
    assert not english_words(page, gated), english_words(page, gated)


def test_a_signed_out_approver_reads_the_language_of_their_mail_not_the_browsers(gated):
    """The link is opened from the mail, often signed out, in whatever browser is at hand:
    the page read the browser's language (an English one for a German approver, whose mail
    and profile are German); it reads the profile's, as the mail is written in it. Whoever
    is signed in reads their own profile's language."""
    cab_approval = gated.approvals.get(label="Change Advisory Board")
    german, english, _ = cab_approval.approvers.order_by("username")
    english.language = "en"
    english.save(update_fields=["language"])

    answer = Client(HTTP_ACCEPT_LANGUAGE="en").get(link(cab_approval, german))
    page = re.sub(r"\s+", " ", answer.content.decode())
    assert answer["Content-Language"] == "de"
    assert '<html lang="de">' in page
    assert f"<title>{gated.number} genehmigen" in page
    assert 'value="approve" class="primary">Genehmigen</button>' in page
    assert not english_words(page, gated), english_words(page, gated)
    refused = read(Client(HTTP_ACCEPT_LANGUAGE="en"), link(cab_approval, german), comment="")
    assert "Wählen Sie „Genehmigen“ oder „Ablehnen“: " in refused

    answer = Client(HTTP_ACCEPT_LANGUAGE="de").get(link(cab_approval, english))
    page = re.sub(r"\s+", " ", answer.content.decode())
    assert answer["Content-Language"] == "en"
    assert f"<title>Approve {gated.number}" in page
    assert "<dt>Planned</dt><dd>not planned yet</dd>" in page

    # signed in: the profile's language, here the German approver's on an English browser
    signed_in = client_for(german)
    signed_in.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = read(signed_in, link(cab_approval, german))
    assert f"<title>{gated.number} genehmigen" in page
    # and an English colleague signed in, opening the German approver's forwarded link
    page = read(client_for(english), link(cab_approval, german))
    assert f"<title>Approve {gated.number}" in page


def test_a_german_delegates_link_and_a_withdrawn_approval(gated):
    cab_approval = gated.approvals.get(label="Change Advisory Board")
    owner = gated.approvals.exclude(pk=cab_approval.pk).get()
    away, member, _ = cab_approval.approvers.order_by("username")
    stand_in = factories.agent(username="standin", first_name="Greta", last_name="Vogel")
    stand_in.language = "de"
    stand_in.save(update_fields=["language"])
    today = timezone.localdate()
    services.delegation_create(
        as_actor(away), delegate="standin", starts_on=today, ends_on=today + dt.timedelta(days=3)
    )

    page = read(client_for(stand_in), link(cab_approval, away, stand_in))
    assert f"Change Advisory Board, für {away} (Sie vertreten diese Person)." in page
    assert not english_words(page, gated), english_words(page, gated)
    read(client_for(stand_in), link(cab_approval, away, stand_in), decision="approve")
    page = read(client_for(away), link(cab_approval, away))  # their own link: decided for them
    assert (
        "Nichts zu entscheiden: Greta Vogel hat schon „genehmigen“ gewählt. Die Genehmigung ist "
        "ausstehend." in page
    )

    services.approval_decide(
        as_actor(member),
        number=gated.number,
        approval_id=cab_approval.pk,
        decision="reject",
        comment="Zu riskant",
    )
    lead = owner.approvers.get()
    page = read(client_for(lead), link(owner, lead))
    assert (
        "Nichts zu entscheiden: Diese Genehmigung ist nicht nötig, da die Änderung bei einer "
        "anderen ihrer Genehmigungen abgelehnt wurde." in page
    )
    assert 'name="decision"' not in page
    assert not english_words(page, gated), english_words(page, gated)


def test_the_link_page_shows_the_planned_window_in_the_house_style(gated):
    """The mailed link's page read "Dec. 7, 2026, 10 p.m. – Dec. 7, 2026, 11 p.m." (Django's
    default rendering) where every other page reads "7 Dec 2026 22:00"."""
    from steward.core.selectors.timeline import format_datetime

    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    type(gated).objects.filter(pk=gated.pk).update(
        planned_start=start, planned_end=start + dt.timedelta(hours=1)
    )
    cab_approval = gated.approvals.get(label="Change Advisory Board")
    reader = cab_approval.approvers.order_by("username")[0]
    reader.language = "en"  # the house style in English (the German one: test_language.py)
    reader.save(update_fields=["language"])
    page = read(Client(), link(cab_approval, reader))
    shown = format_datetime(start, timezone.get_default_timezone())
    assert f'<time datetime="{start.isoformat()}">{shown}</time>' in page
    assert not re.search(r"\b[ap]\.m\.|[A-Z][a-z]{2}\. \d", page)


def test_the_approval_mail_is_written_in_each_approvers_language(gated, client):
    """The mail carrying the link was English for everyone (its text built in Python): a
    German approver reads it in German, as the page its link opens; an English one reads
    English; the planned window in the house style of each one's language and zone."""
    from django.core import mail as sent

    from steward.core import outbox

    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    type(gated).objects.filter(pk=gated.pk).update(
        planned_start=start, planned_end=start + dt.timedelta(hours=1)
    )
    cab_approval = gated.approvals.get(label="Change Advisory Board")
    german, english, _ = cab_approval.approvers.order_by("username")
    english.language = "en"
    english.save(update_fields=["language"])
    outbox.dispatch_pending()

    to_german = next(m for m in sent.outbox if m.to == [german.email])
    assert to_german.subject == f"[{gated.number}] Genehmigung angefragt: Drucker tauschen"
    assert f"Ihre Genehmigung wird erbeten für {gated.number} Drucker tauschen" in to_german.body
    assert "Typ: " in to_german.body
    assert ", Risiko: " in to_german.body
    assert "Genehmigen oder ablehnen (der Link gilt einmal):" in to_german.body
    assert "Oder öffnen Sie die Änderung: http" in to_german.body
    assert re.search(r"Geplant: \d{1,2}\. \S+ \d{4} \d\d:\d\d bis ", to_german.body)
    assert not re.search(r"\b(Your|approval|Planned|Approve|Type|risk)\b", to_german.body)
    link = next(line for line in to_german.body.splitlines() if "/changes/approve/" in line)
    page = read(Client(), "/" + link.split("://", 1)[-1].split("/", 1)[-1])
    assert f"<title>{gated.number} genehmigen" in page  # the page in the mail's language

    to_english = next(m for m in sent.outbox if m.to == [english.email])
    assert to_english.subject == f"[{gated.number}] Approval requested: Drucker tauschen"
    assert f"Your approval is requested for {gated.number} Drucker tauschen" in to_english.body
    assert "Approve or reject (the link works once):" in to_english.body
    assert re.search(r"Planned: \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d to ", to_english.body)


def test_a_signed_out_approver_who_chose_no_language_reads_the_browsers(gated):
    """No choice in the profile (decision 0116): the mail was in the site's language, but the
    page has a browser to ask, as every other page does for that person."""
    cab_approval = gated.approvals.get(label="Change Advisory Board")
    _, undecided, _ = cab_approval.approvers.order_by("username")
    undecided.language = ""
    undecided.save(update_fields=["language"])

    answer = Client(HTTP_ACCEPT_LANGUAGE="de").get(link(cab_approval, undecided))
    page = re.sub(r"\s+", " ", answer.content.decode())
    assert answer["Content-Language"] == "de"
    assert f"<title>{gated.number} genehmigen" in page
    answer = Client(HTTP_ACCEPT_LANGUAGE="en").get(link(cab_approval, undecided))
    assert answer["Content-Language"] == "en"
