"""The starter risk questionnaire reads the reader's language (decision 0120): a seeded
question or answer an administrator left as seeded is shown through the catalogue, on the
change form, the change page and in the risk reasons; one she reworded, or her own, is
shown as she wrote it. German readers read English questions and answers before."""

from __future__ import annotations

import importlib

import pytest
from django.utils import translation

from steward.changes.choices import SEEDED_ANSWERS, SEEDED_QUESTIONS
from steward.changes.models import RiskAnswer, RiskQuestion
from steward.changes.selectors import readable_risk_reasons
from tests.changes.conftest import client_for
from tests.web.catalogue_files import LOCALE, read_po

SEED = importlib.import_module("steward.changes.migrations.0002_seed_risk_and_policies")
OUTAGE_DE = "Erfordert die Änderung eine Serviceunterbrechung?"
FULL_DE = "Vollständige Unterbrechung"


def test_the_words_are_the_seeded_ones_and_each_has_its_german():
    seeded_questions = {slug: text for slug, text, _answers in SEED.QUESTIONS}
    seeded_answers = {
        (slug, answer): label
        for slug, _text, answers in SEED.QUESTIONS
        for answer, label, _weight in answers
    }
    assert seeded_questions == SEEDED_QUESTIONS
    assert seeded_answers == SEEDED_ANSWERS
    german = {message.msgid for message in read_po(LOCALE / "de" / "LC_MESSAGES" / "django.po")}
    missing = [w for w in [*SEEDED_QUESTIONS.values(), *SEEDED_ANSWERS.values()] if w not in german]
    assert not missing


@pytest.fixture
def german_web(agent_user):
    agent_user.language = "de"
    agent_user.save(update_fields=["language"])
    return client_for(agent_user)


@pytest.mark.django_db
def test_a_german_reader_reads_the_seeded_questionnaire_in_german(german_web, cm_web, new_change):
    form = german_web.get("/changes/new/").content.decode()
    assert OUTAGE_DE in form
    assert f">{FULL_DE}</option>" in form
    assert "Does the change need a service outage?" not in form
    assert "Full outage" not in form

    change = new_change(risk_answers={"outage": "full"})
    page = german_web.get(f"/changes/{change.number}/").content.decode()
    assert f"<dt>{OUTAGE_DE}</dt><dd>{FULL_DE}</dd>" in page
    assert f"+4: {OUTAGE_DE} {FULL_DE}" in page  # the risk reason, stored in English
    assert "Full outage" not in page
    # an English reader reads them as seeded
    english = cm_web.get(f"/changes/{change.number}/").content.decode()
    assert "<dt>Does the change need a service outage?</dt><dd>Full outage</dd>" in english
    assert "+4: Does the change need a service outage? Full outage" in english


@pytest.mark.django_db
def test_an_administrators_words_are_shown_as_written(german_web, new_change):
    # saved through the model (as the admin does), so the kept questionnaire is read again
    question = RiskQuestion.objects.get(slug="outage")
    question.text = "Muss der Shop offline gehen?"
    question.save()
    answer = RiskAnswer.objects.get(question=question, slug="full")
    answer.label = "Ja, ganz"
    answer.save()
    own = RiskQuestion.objects.create(slug="vendor", text="Is a vendor on call?", order=9)
    RiskAnswer.objects.create(question=own, slug="no", label="No", weight=1)

    form = german_web.get("/changes/new/").content.decode()
    assert "Muss der Shop offline gehen?" in form
    assert ">Ja, ganz</option>" in form
    assert "Is a vendor on call?" in form
    # her "No" is hers: not the catalogue's "Nein" (the seeded "tested"/"no" is translated)
    assert '<option value="no">No</option>' in form
    assert OUTAGE_DE not in form

    change = new_change(risk_answers={"outage": "full", "vendor": "no"})
    page = german_web.get(f"/changes/{change.number}/").content.decode()
    assert "<dt>Muss der Shop offline gehen?</dt><dd>Ja, ganz</dd>" in page
    assert "<dt>Is a vendor on call?</dt><dd>No</dd>" in page
    assert "+4: Muss der Shop offline gehen? Ja, ganz" in page


def test_a_stored_reason_of_the_seeded_words_reads_german_and_others_as_stored():
    seeded = "+4: Does the change need a service outage? Full outage"
    own = "+4: Will users notice an outage? Full outage"
    with translation.override("de"):
        assert readable_risk_reasons([seeded, own], set()) == [f"+4: {OUTAGE_DE} {FULL_DE}", own]
    with translation.override("en"):
        assert readable_risk_reasons([seeded], set()) == [seeded]
