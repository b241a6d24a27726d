"""Risk: questionnaire weights + criticality of CIs and impacted services + failed-change
history → level with reasons, recomputed when answers or CIs change."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from steward.changes.choices import Outcome, RiskLevel
from steward.changes.models import Change, ChangeCI, ChangeSettings, RiskAnswer
from steward.changes.services import change_update
from steward.changes.services.risk import level_for
from steward.core.errors import Conflict, ValidationFailed
from tests.changes.conftest import ci, fresh, move


def test_a_fresh_change_on_nothing_is_low(new_change):
    change = new_change()
    assert (change.risk_level, change.risk_score) == (RiskLevel.LOW, 0)


def test_answers_add_their_weights_with_reasons(new_change):
    change = new_change(risk_answers={"outage": "full", "tested": "similar"})

    assert change.risk_score == 4 + 1
    assert change.risk_level == RiskLevel.MEDIUM
    assert any("Full outage" in r for r in change.risk_reasons)


def test_criticality_of_the_impacted_service_counts(new_change, stack):
    change = new_change(cis=[stack["server"].number])

    assert [s.number for s in change.impacted_services.all()] == [stack["service"].number]
    assert change.risk_score == 4  # the webshop is critical
    assert any(stack["service"].number in r and "critical" in r for r in change.risk_reasons)


def test_failed_changes_on_the_same_ci_raise_the_risk(agent_actor, new_change):
    server = ci(criticality=4)
    for outcome in (Outcome.FAILED, Outcome.BACKED_OUT, Outcome.SUCCESS):
        old = new_change(cis=[server.number])
        Change.objects.filter(pk=old.pk).update(
            outcome=outcome, status="closed", actual_end=old.created_at
        )

    change = new_change(cis=[server.number])

    assert change.risk_score == 4  # two failed, 2 points each
    assert any("2 failed or backed-out" in r for r in change.risk_reasons)


def test_history_older_than_the_window_does_not_count(new_change):
    import datetime as dt

    from django.utils import timezone

    server = ci(criticality=4)
    old = new_change(cis=[server.number])
    Change.objects.filter(pk=old.pk).update(
        outcome=Outcome.FAILED, actual_end=timezone.now() - dt.timedelta(days=200)
    )

    assert new_change(cis=[server.number]).risk_score == 0


def test_risk_is_recomputed_when_answers_or_cis_change(agent_actor, new_change, stack):
    change = new_change()

    change_update(
        agent_actor,
        number=change.number,
        expected_version=None,
        changes={"risk_answers": {"backout": "impossible"}},
    )
    assert fresh(change).risk_score == 4
    change_update(
        agent_actor,
        number=change.number,
        expected_version=None,
        changes={"cis": [stack["app"].number]},
    )

    updated = fresh(change)
    assert updated.risk_score == 8
    assert updated.risk_level == RiskLevel.HIGH
    assert list(ChangeCI.objects.filter(change=change).values_list("ci_id", flat=True)) == [
        stack["app"].id
    ]


def test_weights_are_configurable(new_change):
    RiskAnswer.objects.filter(question__slug="outage", slug="full").update(weight=20)

    assert new_change(risk_answers={"outage": "full"}).risk_level == RiskLevel.VERY_HIGH


def test_a_weight_saved_after_a_create_scores_the_next_one(new_change):
    """The questionnaire is cached per process under a stamp the save bumps."""
    assert new_change(risk_answers={"outage": "full"}).risk_level != RiskLevel.VERY_HIGH
    answer = RiskAnswer.objects.get(question__slug="outage", slug="full")
    answer.weight = 20
    answer.save()

    assert new_change(risk_answers={"outage": "full"}).risk_level == RiskLevel.VERY_HIGH


def test_thresholds_saved_after_a_create_level_the_next_one(new_change):
    settings = ChangeSettings.objects.first() or ChangeSettings()
    assert new_change(risk_answers={"outage": "full"}).risk_level != RiskLevel.VERY_HIGH
    settings.very_high_from = 1
    settings.save()

    assert new_change(risk_answers={"outage": "full"}).risk_level == RiskLevel.VERY_HIGH


@pytest.mark.parametrize(
    "answers",
    [{"outage": "maybe"}, {"no_such_question": "yes"}, ["outage"]],
    ids=["unknown-answer", "unknown-question", "not-an-object"],
)
def test_bad_answers_are_422_and_change_nothing(agent_actor, new_change, answers):
    change = new_change()
    before = Change.objects.filter(pk=change.pk).values().get()

    with pytest.raises(ValidationFailed):
        change_update(
            agent_actor,
            number=change.number,
            expected_version=None,
            changes={"risk_answers": answers},
        )

    assert Change.objects.filter(pk=change.pk).values().get() == before


def test_scope_is_fixed_once_authorisation_starts(agent_actor, cm, new_change):
    change = new_change()
    move(agent_actor, change, "assessment")
    move(agent_actor, change, "authorization")

    with pytest.raises(Conflict):
        change_update(
            agent_actor,
            number=change.number,
            expected_version=None,
            changes={"risk_answers": {"outage": "full"}},
        )


@given(st.integers(min_value=0, max_value=60))
@settings(max_examples=60, deadline=None)
def test_levels_are_monotonic_in_the_score(score):
    thresholds = ChangeSettings()
    order = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.VERY_HIGH]
    assert order.index(level_for(score, thresholds)) <= order.index(
        level_for(score + 1, thresholds)
    )


def test_the_failed_changes_sql_is_the_orms_for_every_shape(new_change, stack, monkeypatch):
    """``failed_sql`` (decision 0050) compiles the query once per shape and fills in each
    call's CIs, change and window: the same SQL and values as the ORM's compile of
    ``_failed`` for that call, for a create (no change) and an update, by CI count, from
    the first call (compiled) and the later ones (filled)."""
    import datetime as dt

    from steward.changes.services import risk

    at = dt.datetime(2031, 5, 6, 7, 8, 9, 123456, tzinfo=dt.UTC)
    monkeypatch.setattr(risk.timezone, "now", lambda: at)
    monkeypatch.setattr(risk, "_shapes", {})
    settings_row = risk.policy().settings
    cis = [stack[name] for name in ("server", "app", "service")]
    saved = new_change(cis=[stack["app"].number])
    other = new_change()
    for change in (None, saved, other, None, saved):
        for some in (cis[:1], cis, cis[::-1], cis[1:2], cis):
            want = risk._failed(some, change, settings_row).query.sql_with_params()
            assert risk.failed_sql(some, change, settings_row) == (want[0], list(want[1]))
    assert len(risk._shapes) == 4  # one or three CIs, with or without a change
