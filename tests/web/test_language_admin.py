"""The administrators' and change managers' configuration pages read German too
(docs/decisions/0026-translations.md): the change form, freeze windows, change templates,
approval delegations, and the web administration (users, teams, categories, the priority
matrix, team assignment, escalation rules, SLA policies, business calendars) carry no English
word for a German administrator; a service's refusal on such a page is German as well."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from steward.changes.models import RiskQuestion
from steward.changes.services import (
    change_create,
    delegation_create,
    freeze_create,
    template_create,
)
from steward.incidents.models import Category
from steward.incidents.services import category_create, escalation_rule_create
from steward.sla.services import calendar_create, policy_create
from tests import factories
from tests.conftest import api_client_for, as_actor
from tests.web.english_scan import PageWords, split_words
from tests.web.test_language_agents import AGENT

# The administrators' vocabulary, on top of the chrome's and the agents': words German text
# never contains.
ADMIN_WORDS = """add administration users user people template templates delegation
    delegations freeze windows window inactive deactivated deactivate reactivate invitation
    send categories subcategory default rules rule escalation policy policies calendars
    hours holidays closures working precedence response resolution targets target warning
    upcoming past force members remove lead joined last password set chosen
    decides instead approver day from until scope raise questionnaire plans plan backout test
    implementation affected related applies organisations priorities when then"""
ADMIN = AGENT | frozenset(ADMIN_WORDS.split())


def data_words() -> set[str]:
    """Words of what administrators entered, which stay as entered: the categories' names
    and the risk questionnaire's questions and answers (seeded in English)."""
    texts = [c.name for c in Category.objects.all()]
    for question in RiskQuestion.objects.prefetch_related("answers"):
        texts += [question.text, *(a.label for a in question.answers.all())]
    return {w for text in texts for w in split_words(text)}


def admin_english_words(html: bytes, data: set[str] = frozenset()) -> list[str]:
    reader = PageWords()
    reader.feed(html.decode())
    return sorted({w for w in reader.words if w.lower() in ADMIN and w not in data})


@pytest.fixture
def admin_pages(german_admin):
    """Every configuration page, with one thing of each kind to show and edit."""
    me = as_actor(german_admin)
    colleague = factories.agent(username="bernd", first_name="Bernd", last_name="Roth")
    change = change_create(me, title="Drucker tauschen", description="Neue Drucker")
    start = timezone.now() + dt.timedelta(days=3)
    freeze = freeze_create(
        me, name="Jahresabschluss", starts_at=start, ends_at=start + dt.timedelta(days=2)
    )
    template = template_create(me, name="Zertifikat erneuern", description="Jährlich")
    today = timezone.localdate()
    delegation = delegation_create(
        as_actor(colleague),
        delegate=german_admin.username,
        starts_on=today,
        ends_on=today + dt.timedelta(days=5),
    )
    category = category_create(me, name="Drucker", default_team="servicedesk")
    category_create(me, name="Toner", parent=category.slug)
    rule = escalation_rule_create(
        me, name="Leitung informieren", threshold="breach", action="raise_priority"
    )
    calendar = calendar_create(
        me,
        name="Bürozeiten",
        time_zone="Europe/Berlin",
        holiday_country="DE",
        working_hours=[{"weekday": d, "start": "08:00", "end": "17:00"} for d in range(5)],
        closures=[{"date": "2026-12-24", "name": "Heiligabend"}],
    )
    policy = policy_create(
        me,
        name="Standard",
        calendar=calendar.slug,
        response_minutes=90,
        resolution_minutes=480,
    )
    return [
        "/changes/new/",
        f"/changes/{change.number}/edit/",
        "/changes/freezes/",
        "/changes/freezes/new/",
        f"/changes/freezes/{freeze.slug}/",
        "/changes/templates/",
        "/changes/templates/new/",
        f"/changes/templates/{template.slug}/",
        "/changes/delegations/",
        "/changes/delegations/new/",
        f"/changes/delegations/{delegation.pk}/",
        "/administration/",
        "/administration/users/",
        "/administration/users/new/",
        f"/administration/users/{colleague.username}/",
        "/teams/",
        "/teams/servicedesk/",
        "/incidents/categories/",
        "/incidents/categories/new/",
        f"/incidents/categories/{category.slug}/",
        "/incidents/priority-matrix/",
        "/incidents/assignment/",
        "/incidents/escalations/",
        "/incidents/escalations/new/",
        f"/incidents/escalations/{rule.pk}/",
        "/sla/",
        "/sla/policies/new/",
        f"/sla/policies/{policy.slug}/",
        f"/sla/policies/{policy.slug}/edit/",
        "/sla/calendars/",
        "/sla/calendars/new/",
        f"/sla/calendars/{calendar.slug}/",
        f"/sla/calendars/{calendar.slug}/edit/",
    ]


def test_the_configuration_pages_read_german(german_admin, admin_pages):
    client = Client()
    client.force_login(german_admin)
    left_over, data = {}, data_words()
    for url in admin_pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Content-Language"] == "de", url
        if words := admin_english_words(answer.content, data):
            left_over[url] = words
    assert not left_over, f"English on German pages: {left_over}"


def test_the_admin_word_list_catches_an_english_page(german_admin, admin_pages):
    german_admin.language = "en"
    german_admin.save(update_fields=["language"])
    client = Client()
    client.force_login(german_admin)
    page = client.get("/changes/freezes/").content
    assert {"Freeze", "windows"} <= set(admin_english_words(page))


def test_a_service_refusal_reads_german_on_the_page(german_admin):
    """The service refuses a freeze window that is over; the German administrator reads why
    in German, beside the field it names."""
    client = Client()
    client.force_login(german_admin)
    answer = client.post(
        "/changes/freezes/new/",
        {
            "name": "Vorbei",
            "starts_at": "2020-01-01T08:00",
            "ends_at": "2020-01-02T08:00",
            "is_active": "on",
        },
    )
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "das Fenster liegt in der Vergangenheit" in page
    assert "the window is in the past" not in page


def test_the_api_keeps_english_and_names_the_field(german_admin):
    """The same refusal through the API: English (the API reads the Accept-Language, not the
    profile) and the field named."""
    api = api_client_for(german_admin, scopes=("read", "write", "admin"))
    answer = api.post(
        "/api/v1/freeze-windows",
        {"name": "Vorbei", "starts_at": "2020-01-01T08:00Z", "ends_at": "2020-01-02T08:00Z"},
    )
    assert answer.status_code == 422, answer.content
    error = answer.json()["error"]
    assert error["fields"] == {"ends_at": ["the window is in the past"]}
    assert error["message"] == "ends_at: the window is in the past"
