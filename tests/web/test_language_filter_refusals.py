"""A German reader's filter bar says our own refusals in German after the field's label
(decision 0130), as it says pydantic's (decision 0123); the API's answer to the same value
stays the English its validator raised, whatever the ``Accept-Language``."""

from __future__ import annotations

import pytest

from steward.events.choices import ALERT_SEVERITIES
from tests.conftest import api_client_for
from tests.web.conftest import signed_in
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db

SEVERITIES = ", ".join(ALERT_SEVERITIES)

# (page, API collection, query, field, the bar's German, the API's message)
CASES = {
    "changes": (
        "/changes/",
        "/api/v1/changes",
        {"risk": "huge"},
        "risk",
        "Risiko: unbekannter Wert 'huge'",
        "unknown value 'huge'",
    ),
    "incidents": (
        "/incidents/",
        "/api/v1/incidents",
        {"status": "bogus"},
        "status",
        "Status: unbekannter Wert 'bogus'",
        "unknown status 'bogus'",
    ),
    "problems": (
        "/problems/",
        "/api/v1/problems",
        {"priority": "9"},
        "priority",
        "Priorität: zwischen 1 (kritisch) und 5 (Planung)",
        "between 1 (critical) and 5 (planning)",
    ),
    "events": (
        "/events/",
        "/api/v1/alerts",
        {"severity": "fatal"},
        "severity",
        f"Schweregrad: unbekannter Wert 'fatal': erlaubt sind {SEVERITIES}",
        f"unknown severity 'fatal': one of {SEVERITIES}",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_refused_filter_value_reads_german_on_the_page_and_english_in_the_api(german_agent, case):
    page, collection, query, field, german, english = CASES[case]

    shown = signed_in(german_agent).get(page, query)
    api = api_client_for(german_agent)
    answers = [
        api.get(collection, query, headers={"Accept-Language": language})
        for language in ("de", "en")
    ]

    assert shown.status_code in (200, 422)
    assert german in [text_of(e) for e in elements(shown.content, "span", role="alert")]
    for answer in answers:
        assert answer.status_code == 422, answer.content
        assert answer.json()["error"]["fields"] == {field: [english]}
