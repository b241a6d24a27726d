"""Surveys: one invitation per resolution (its outbox key unique), none again within the
quiet period, none when off or outside the sample; answers changeable until closed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from steward.core.actor import Actor
from steward.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry, Comment, OutboxMessage, OutgoingMail
from steward.core.selectors.timeline import format_date
from steward.surveys import services
from steward.surveys.models import Survey
from steward.surveys.notifications import INVITATION, LOW_RATING
from tests import factories
from tests.conftest import as_actor
from tests.surveys.conftest import headset_ordered, reopen, resolve, settle

pytestmark = pytest.mark.django_db


def survey_audit(survey, action):
    kind = ContentType.objects.get_for_model(Survey)
    return AuditEntry.objects.filter(content_type=kind, object_id=str(survey.pk), action=action)


def invitations():
    return list(OutgoingMail.objects.filter(kind=INVITATION).order_by("pk"))


def test_a_resolution_invites_its_caller_once_however_often_the_event_is_delivered(
    agent_actor, incident, caller
):
    resolve(agent_actor, incident.number)
    settle()

    survey = Survey.objects.get()
    assert (survey.number, survey.requester, survey.team.slug) == (incident.number, caller, "desk")
    assert survey.key.startswith("incident:")
    assert survey.closes_at - survey.invited_at == dt.timedelta(days=14)
    (mail,) = invitations()
    assert (mail.recipient, mail.key) == ("greta@example.com", f"survey:{survey.pk}")
    assert survey_audit(survey, "create").exists()

    # the worker crashed after the consumer: every event delivered again
    OutboxMessage.objects.update(dispatched_at=None)
    settle()
    assert Survey.objects.count() == 1
    assert len(invitations()) == 1


def test_the_invitation_is_in_the_callers_language_and_time_zone(agent_actor, incident, caller):
    resolve(agent_actor, incident.number)
    settle()
    (mail,) = invitations()
    survey = Survey.objects.get()
    assert mail.subject == f"[{incident.number}] Wie zufrieden sind Sie mit {incident.number}?"
    assert "Hallo" in mail.body
    assert "How did we do" not in mail.body
    # the closing day as Berlin's calendar has it, written as every page and mail writes a
    # day ("21. Dez. 2026"), not Django's DATE_FORMAT ("21. Dezember 2026")
    with translation.override("de"):
        closes = format_date(survey.closes_at.astimezone(ZoneInfo("Europe/Berlin")))
    assert f"bis zum {closes} ändern" in mail.body
    token = mail.body.split("/surveys/rate/", 1)[1].split("/", 1)[0]
    assert services.survey_link_read(token) == survey


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("en", "You can change your answer until 21 Dec 2026."),
        ("de", "Sie können Ihre Antwort bis zum 21. Dez. 2026 ändern."),
    ],
)
def test_the_invitation_writes_its_closing_day_as_every_page_and_mail_does(
    incident, caller, language, sentence
):
    """The mail wrote Django's DATE_FORMAT ("Dec. 21, 2026", "21. Dezember 2026"); the pages
    and the other mails write a day "21 Dec 2026" (German "21. Dez. 2026"), in the
    reader's time zone (Berlin here: 23:30 UTC on the 20th is the 21st)."""
    caller.language = language
    caller.save(update_fields=["language"])
    invited = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)
    services.survey_invite(
        Actor.system("tests"),
        subject="incident",
        record=incident,
        requester=caller,
        team_id=incident.team_id,
        key="tests:closing-day",
        now=invited,
    )
    settle()

    (mail,) = invitations()
    assert sentence in mail.body


def test_reopen_and_resolve_again_within_the_quiet_period_sends_no_second_invitation(
    agent_actor, incident, caller_actor
):
    resolve(agent_actor, incident.number)
    settle()
    reopen(caller_actor, incident.number)
    resolve(agent_actor, incident.number)
    settle()
    assert Survey.objects.count() == 1
    assert len(invitations()) == 1


def test_a_resolution_after_the_quiet_period_is_asked_about_again(
    agent_actor, incident, caller_actor, settings
):
    resolve(agent_actor, incident.number)
    settle()
    Survey.objects.update(invited_at=timezone.now() - dt.timedelta(days=settings.SURVEY_QUIET_DAYS))
    reopen(caller_actor, incident.number)
    resolve(agent_actor, incident.number)
    settle()
    assert Survey.objects.count() == 2
    assert len(invitations()) == 2


def test_quiet_days_come_from_the_setting(agent_actor, incident, caller_actor, settings):
    settings.SURVEY_QUIET_DAYS = 0
    resolve(agent_actor, incident.number)
    settle()
    reopen(caller_actor, incident.number)
    resolve(agent_actor, incident.number)
    settle()
    assert Survey.objects.count() == 2


def test_surveys_switched_off_invite_nobody(agent_actor, incident, configure):
    configure(is_enabled=False)
    resolve(agent_actor, incident.number)
    settle()
    assert not Survey.objects.exists()
    assert not invitations()


def test_an_incident_reopened_before_the_worker_came_is_not_asked_about(
    agent_actor, incident, caller_actor
):
    resolve(agent_actor, incident.number)
    reopen(caller_actor, incident.number)
    settle()
    assert not Survey.objects.exists()


@pytest.mark.parametrize("percent", [0, 25, 50, 100])
def test_sampling_is_a_share_of_records_decided_by_the_record(percent):
    chosen = [i for i in range(1, 2001) if services.sampled("incident", i, percent)]
    assert chosen == [i for i in range(1, 2001) if services.sampled("incident", i, percent)]
    assert abs(len(chosen) - 20 * percent) <= 80  # within 4 points of the share


def test_a_record_outside_the_sample_is_not_asked_about(agent_actor, desk, caller, configure):
    from steward.incidents.services import incident_create

    configure(sample_percent=25)
    incidents = [
        incident_create(agent_actor, title=f"Case {n}", caller=caller.username, team="desk")
        for n in range(8)
    ]
    for incident in incidents:
        resolve(agent_actor, incident.number)
    settle()
    expected = {i.number for i in incidents if services.sampled("incident", i.pk, 25)}
    assert set(Survey.objects.values_list("number", flat=True)) == expected
    assert len(expected) < len(incidents)


def _survey(agent_actor, incident):
    resolve(agent_actor, incident.number)
    settle()
    return Survey.objects.get()


def test_the_caller_rates_and_changes_the_answer_while_the_survey_is_open(
    agent_actor, incident, caller_actor
):
    survey = _survey(agent_actor, incident)
    services.survey_answer(caller_actor, pk=survey.pk, rating=4, comment="Quick, thanks")
    services.survey_answer(caller_actor, pk=survey.pk, rating=5, comment="Even better")

    survey.refresh_from_db()
    assert (survey.rating, survey.comment, survey.answer_count) == (5, "Even better", 2)
    entry = survey_audit(survey, "update").latest("id")
    assert entry.changes["rating"] == [4, 5]
    notes = list(Comment.objects.filter(object_id=str(incident.pk), internal=True).order_by("id"))
    assert [n.body.splitlines()[0] for n in notes] == [
        "Customer satisfaction: 4 of 5.",
        "Customer satisfaction changed from 4 to 5 of 5.",
    ]
    assert OutboxMessage.objects.filter(topic="survey.answered").count() == 2


def test_a_closed_survey_refuses_answers_and_changes_nothing(agent_actor, incident, caller_actor):
    survey = _survey(agent_actor, incident)
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(Conflict):
        services.survey_answer(caller_actor, pk=survey.pk, rating=5)
    survey.refresh_from_db()
    assert survey.rating is None
    assert not survey_audit(survey, "update").exists()


def test_nobody_but_the_requester_answers(agent_actor, incident):
    survey = _survey(agent_actor, incident)
    for someone in (agent_actor, as_actor(factories.requester(username="other"))):
        with pytest.raises(NotFound):
            services.survey_answer(someone, pk=survey.pk, rating=1)
    assert Survey.objects.get().rating is None


@pytest.mark.parametrize(
    ("rating", "comment", "fields"),
    [
        (0, "", {"rating"}),
        (6, "", {"rating"}),
        (True, "", {"rating"}),
        ("x", "", {"rating"}),
        (3, "x" * 2001, {"comment"}),
        (3, "bad\x00byte", {"comment"}),
        (9, "\x00", {"rating", "comment"}),
    ],
    ids=["zero", "six", "bool", "text", "long-comment", "nul", "both"],
)
def test_a_bad_answer_names_its_fields_and_writes_nothing(
    agent_actor, incident, caller_actor, rating, comment, fields
):
    survey = _survey(agent_actor, incident)
    with pytest.raises(ValidationFailed) as refused:
        services.survey_answer(caller_actor, pk=survey.pk, rating=rating, comment=comment)
    assert set(refused.value.fields) == fields
    assert Survey.objects.get().rating is None


def test_a_forged_or_altered_link_is_not_found(agent_actor, incident):
    survey = _survey(agent_actor, incident)
    token = services.survey_link_token(survey)
    for bad in ("forged", token[:-2] + "xx", token.replace(":", ";", 1)):
        with pytest.raises(NotFound):
            services.survey_link_read(bad)
    # the approval links' signature does not open a survey (single purpose: its own salt)
    from django.core import signing

    other = signing.dumps({"s": survey.pk, "u": survey.requester_id}, salt="something-else")
    with pytest.raises(NotFound):
        services.survey_link_read(other)
    assert services.survey_link_read(token) == survey


def test_a_low_rating_tells_the_team_lead_once(agent_actor, incident, caller_actor):
    survey = _survey(agent_actor, incident)
    services.survey_answer(caller_actor, pk=survey.pk, rating=1, comment="Nobody called back")
    settle()
    services.survey_answer(caller_actor, pk=survey.pk, rating=2, comment="Still unhappy")
    settle()
    (mail,) = OutgoingMail.objects.filter(kind=LOW_RATING)
    assert mail.recipient == "lena@example.com"
    assert mail.subject == f"[{incident.number}] Low satisfaction rating: 1 of 5"
    assert "Nobody called back" in mail.body


def test_a_good_rating_or_the_setting_off_mails_no_lead(
    agent_actor, incident, caller_actor, configure
):
    survey = _survey(agent_actor, incident)
    services.survey_answer(caller_actor, pk=survey.pk, rating=3)
    settle()
    configure(notify_low_ratings=False)
    services.survey_answer(caller_actor, pk=survey.pk, rating=1)
    settle()
    assert not OutgoingMail.objects.filter(kind=LOW_RATING).exists()


def test_only_administrators_change_the_settings(agent_actor, admin_actor):
    with pytest.raises(PermissionDenied):
        services.survey_settings_update(agent_actor, changes={"is_enabled": False})
    config = services.survey_settings_update(admin_actor, changes={"sample_percent": 25})
    assert (config.sample_percent, config.version) == (25, 2)
    with pytest.raises(ValidationFailed) as refused:
        services.survey_settings_update(admin_actor, changes={"sample_percent": 101})
    assert list(refused.value.fields) == ["sample_percent"]


def test_a_completed_catalogue_request_invites_its_requester(admin_actor, agent_actor, desk):
    from steward.catalog.services import task_complete

    rudi, request = headset_ordered(admin_actor)
    task_complete(agent_actor, number=request.tasks.get().number)
    settle()

    survey = Survey.objects.get()
    assert (survey.subject, survey.number, survey.requester) == ("request", request.number, rudi)
    assert survey.team.slug == "desk"
    (mail,) = invitations()
    assert mail.subject == f"[{request.number}] How did we do with {request.number}?"
    services.survey_answer(as_actor(rudi), pk=survey.pk, rating=5)
    note = Comment.objects.filter(object_id=str(request.pk), internal=True).get()
    assert note.body == "Customer satisfaction: 5 of 5."
