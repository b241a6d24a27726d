"""The survey API's versions on the wire and the settings' one row: ETags on every read and
write of a versioned survey resource (DESIGN §6), and two administrators saving the
settings for the first time at once make one row, not two with one never read."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from steward.core.actor import Actor
from steward.core.errors import StaleVersion
from steward.core.models import AuditEntry
from steward.surveys import services
from steward.surveys.models import Survey, SurveySettings
from tests import factories
from tests.surveys.conftest import resolve, settle

SETTINGS = "/api/v1/surveys/settings"


@pytest.mark.django_db
def test_the_settings_carry_their_version_as_an_etag(admin_api, agent_api):
    assert agent_api.get(SETTINGS)["ETag"] == '"1"'

    saved = admin_api.patch(SETTINGS, {"sample_percent": 50}, headers={"If-Match": '"1"'})

    assert (saved.status_code, saved["ETag"], saved.json()["version"]) == (200, '"2"', 2)
    assert agent_api.get(SETTINGS)["ETag"] == '"2"'


@pytest.mark.django_db
def test_a_survey_carries_its_version_as_an_etag(agent_api, agent_actor, incident):
    resolve(agent_actor, incident.number)
    settle()
    survey = Survey.objects.get()

    response = agent_api.get(f"/api/v1/surveys/{survey.pk}")

    assert (response.status_code, response["ETag"]) == (200, f'"{survey.version}"')


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_first_saves_at_once_make_one_row_and_the_stale_one_is_refused(monkeypatch):
    """Both administrators read version 1 of the defaults (no row yet) and save: the first
    makes the row and moves it to version 2, the second is refused as stale."""
    assert settings.IS_POSTGRES
    admins = [Actor(user=factories.admin(username=f"root{n}")) for n in range(2)]
    barrier = threading.Barrier(2)
    record = services.configuration.audit.record

    def slow_record(*args, **kwargs):  # hold the first save's transaction open a moment
        result = record(*args, **kwargs)
        threading.Event().wait(0.5)
        return result

    monkeypatch.setattr(services.configuration.audit, "record", slow_record)
    results: list[object] = []

    def save(actor: Actor, changes: dict) -> None:
        try:
            barrier.wait()
            config = services.survey_settings_update(actor, changes=changes, expected_version=1)
            results.append(config.version)
        except Exception as exc:  # noqa: BLE001 - the test reports it
            results.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(admins[0], {"sample_percent": 30})),
        threading.Thread(target=save, args=(admins[1], {"low_rating": 1})),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert SurveySettings.objects.count() == 1
    assert sorted(type(r).__name__ for r in results) == ["StaleVersion", "int"]
    assert [r for r in results if not isinstance(r, StaleVersion)] == [2]
    config = SurveySettings.objects.get()
    assert config.version == 2
    assert AuditEntry.objects.filter(content_type__model="surveysettings").count() == 1
