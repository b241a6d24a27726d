"""A change's computed risk reasons are stored in English (the API's record) and read in the
reader's language (decision 0026): the most critical CI's and the failed-change history's
reasons, named or hidden, read German for a German reader; the questionnaire's are data."""

from __future__ import annotations

from django.utils import translation

from steward.changes.choices import Outcome
from steward.changes.models import Change
from steward.changes.selectors import readable_risk_reasons
from tests.changes.conftest import ci


def test_computed_risk_reasons_read_german_and_are_stored_english(new_change):
    server = ci(criticality=2)
    for outcome in (Outcome.FAILED, Outcome.BACKED_OUT):
        old = new_change(cis=[server.number])
        Change.objects.filter(pk=old.pk).update(
            outcome=outcome, status="closed", actual_end=old.created_at
        )
    with translation.override("de"):  # a German agent's request computes the risk
        change = new_change(cis=[server.number])
    stored = change.risk_reasons
    named = f"+2: {server.number} {server.name} is high"
    failed = "+4: 2 failed or backed-out change(s) on these CIs in the last 90 days"
    assert named in stored
    assert failed in stored

    with translation.override("de"):
        german = readable_risk_reasons([named, failed], {server.number})
        hidden = readable_risk_reasons([named], set())
    assert german == [
        f"+2: {server.number} {server.name} hat die Kritikalität „hoch“",
        "+4: 2 fehlgeschlagene oder zurückgenommene Änderungen an diesen CIs in den letzten"
        " 90 Tagen",
    ]
    assert hidden == ["+2: ein CI, das Sie nicht sehen können, hat die Kritikalität „hoch“"]
    with translation.override("en"):
        english = readable_risk_reasons([named, failed], set())
    assert english == [
        "+2: a CI you cannot see is high",
        "+4: 2 failed or backed-out changes on these CIs in the last 90 days",
    ]


def test_a_questionnaire_reason_is_shown_as_entered():
    reason = "+4: Will users notice an outage? Full outage"
    with translation.override("de"):
        assert readable_risk_reasons([reason], set()) == [reason]
