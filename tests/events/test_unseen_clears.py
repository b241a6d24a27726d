"""A resolved that reaches Steward when it never had the firing (Steward was down when the
firing was sent) is remembered a day (decision 0124): the firing's late retry, which
Alertmanager sends after a timeout, is ignored instead of raising an alert that stays open
until the expiry; a new occurrence (a later ``startsAt``) still raises."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.events import tasks
from steward.events.models import Alert, UnseenClear
from tests import factories
from tests.conftest import api_client_for
from tests.events.conftest import send
from tests.events.test_alertmanager import URL, am_alert, notification
from tests.events.test_zabbix import URL as ZABBIX_URL
from tests.events.test_zabbix import params

pytestmark = pytest.mark.django_db
START = "2026-12-06T06:00:00.000Z"
ENDED = "2026-12-06T06:20:00.000Z"


@pytest.fixture
def api():
    return api_client_for(factories.agent(username="alertmanager-bot"), scopes=("write",))


def outcomes(api, *alerts) -> list[str]:
    response = api.post(URL, notification(*alerts))
    assert response.status_code == 200, response.content
    return [r["outcome"] for r in response.json()["alerts"]]


def test_a_firing_retried_after_a_resolved_steward_never_raised_is_ignored(api, monitor):
    resolved = am_alert(status="resolved", startsAt=START, endsAt=ENDED)

    assert outcomes(api, resolved) == ["ignored"]
    assert outcomes(api, resolved) == ["ignored"]  # its own retry: remembered once
    assert outcomes(api, am_alert(startsAt=START)) == ["ignored"]
    assert outcomes(api, am_alert(startsAt="2026-12-06T05:59:00Z")) == ["ignored"]

    assert not Alert.objects.exists()
    kept = UnseenClear.objects.get()
    assert kept.started_at == dt.datetime(2026, 12, 6, 6, tzinfo=dt.UTC)
    assert kept.ended_at == dt.datetime(2026, 12, 6, 6, 20, tzinfo=dt.UTC)
    # a new occurrence (a later start), or another alert, still raises
    assert outcomes(api, am_alert(startsAt="2026-12-06T07:00:00Z")) == ["created"]
    assert outcomes(api, am_alert(fingerprint="another", startsAt=START)) == ["created"]
    # a generic clear has no start and its key names every occurrence: nothing to remember
    assert send(monitor, severity="clear").outcome == "ignored"
    assert UnseenClear.objects.count() == 1


def test_it_is_remembered_a_day_and_the_housekeeping_forgets_it(api):
    outcomes(api, am_alert(status="resolved", startsAt=START))
    outcomes(api, am_alert(fingerprint="recent", status="resolved", startsAt=START))
    first = UnseenClear.objects.order_by("id").first()
    first.received_at = timezone.now() - dt.timedelta(days=1, minutes=1)
    first.save(update_fields=["received_at"])

    assert outcomes(api, am_alert(startsAt=START)) == ["created"]  # past its day
    tasks.expire_silent_alerts.call_local()
    assert UnseenClear.objects.count() == 1  # the recent one stays


def test_a_zabbix_problem_after_a_recovery_steward_never_raised_is_ignored():
    api = api_client_for(factories.agent(username="zabbix-server"), scopes=("write",))

    recovery = api.post(ZABBIX_URL, params(event_value="0"))
    problem = api.post(ZABBIX_URL, params())

    assert (recovery.json()["outcome"], problem.json()["outcome"]) == ("ignored", "ignored")
    assert not Alert.objects.exists()
