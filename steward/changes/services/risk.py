"""Risk of a change: questionnaire + criticality of what it touches + failed-change history.

score = sum of the chosen answers' weights
      + criticality points of the most critical affected CI or impacted service
        (critical 4, high 2, medium 1, low 0)
      + 2 per failed or backed-out change on the same CIs in the last N days (at most 6)
level = low / medium / high / very_high by the thresholds in ``ChangeSettings``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from steward.changes.choices import NOT_ANSWERED, Outcome, RiskLevel, Status
from steward.changes.models import Change, ChangeCI, ChangeSettings, RiskAnswer, RiskQuestion
from steward.changes.selectors import change_settings
from steward.cmdb import selectors as cmdb_selectors
from steward.cmdb.choices import Criticality, Direction
from steward.cmdb.models import ConfigurationItem
from steward.core import stamps
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.rows import loaded

CRITICALITY_POINTS = {
    Criticality.CRITICAL: 4,
    Criticality.HIGH: 2,
    Criticality.MEDIUM: 1,
    Criticality.LOW: 0,
}
FAILED_CHANGE_POINTS = 2
FAILED_CHANGE_CAP = 6
SERVICE_DEPTH = 6  # how far up the CMDB the services impacted by a change are looked for
SYSTEM = Actor.system("change-risk")


@dataclass(frozen=True)
class Policy:
    """What scoring reads besides the change: the questionnaire (slug → question, its
    answers prefetched) and the settings row. Loaded once per process and reloaded when
    the ``CHANGE_CONFIG`` stamp moves (saving a question, an answer or the settings bumps
    it): a create reads none of it from the database."""

    questions: dict[str, RiskQuestion]
    answers: dict[str, dict[str, RiskAnswer]]
    settings: ChangeSettings


def _load_policy() -> Policy:
    questions = {q.slug: q for q in RiskQuestion.objects.prefetch_related("answers")}
    answers = {slug: {a.slug: a for a in q.answers.all()} for slug, q in questions.items()}
    return Policy(questions=questions, answers=answers, settings=change_settings())


_policy = stamps.Versioned(stamps.CHANGE_CONFIG, _load_policy)


def policy() -> Policy:
    """The current risk policy (one stamp read; the rows only when they changed)."""
    return _policy.get()


@dataclass
class Assessment:
    score: int
    level: str
    reasons: list[str]


def clean_answers(answers: Any, using: Policy | None = None) -> dict[str, str]:
    """``{question: answer}`` slugs of the active questionnaire, or a 422 naming the key."""
    if not isinstance(answers, dict):
        raise ValidationFailed.one("risk_answers", _("an object of question → answer"))
    found = using or policy()
    clean = {}
    for key, value in answers.items():
        question = found.questions.get(key)
        if question is None or not question.is_active:
            raise ValidationFailed.one(
                f"risk_answers.{key}", _("not a question of the questionnaire")
            )
        options = found.answers[key]
        if value not in options:
            raise ValidationFailed.one(
                f"risk_answers.{key}", _("one of %(value)s") % {"value": ", ".join(options)}
            )
        clean[key] = value
    return clean


def impacted_services(cis: list[ConfigurationItem]) -> list[Any]:
    """Business services above the CIs (the CMDB's recursive impact walk, upwards, one per
    CI with the relationship types read once), and the CIs themselves when they are
    business services. ``cis`` are read with their class (``select_related("ci_class")``)."""
    found: dict[int, Any] = {}
    types = cmdb_selectors.relationship_directions() if cis else {}
    for ci in cis:
        walk = cmdb_selectors.impact_from(
            SYSTEM, ci, direction=Direction.UP, depth=SERVICE_DEPTH, types=types
        )
        if ci.ci_class.slug == "business_service":
            found[ci.id] = ci
        for node in walk.business_services:
            if node.id not in found:
                found[node.id] = _service(node)
    return sorted(found.values(), key=lambda ci: ci.number)


def _service(node: Any) -> ConfigurationItem:
    """The CI of an impact node (a read-only row) as a model object: what ``assess`` reads
    and ``impacted_services.set`` writes, with no query (other fields are deferred)."""
    values = {"id": node.id, "number": node.number, "name": node.name}
    values |= {"status": node.status, "criticality": node.criticality}
    return loaded(ConfigurationItem, ConfigurationItem.objects.db, values)


def level_for(score: int, settings: ChangeSettings) -> str:
    if score >= settings.very_high_from:
        return RiskLevel.VERY_HIGH
    if score >= settings.high_from:
        return RiskLevel.HIGH
    if score >= settings.medium_from:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def assess(
    change: Change, *, cis: list[Any], services: list[Any], using: Policy | None = None
) -> Assessment:
    """Score ``change`` with its answers, its CIs and impacted services; every point has a
    reason a CAB member can read."""
    found = using or policy()
    settings = found.settings
    reasons: list[str] = []
    score = 0
    for key, value in sorted((change.risk_answers or {}).items()):
        question = found.questions.get(key)
        answer = found.answers[key].get(value) if question else None
        if answer is not None and answer.weight:
            score += answer.weight
            reasons.append(f"+{answer.weight}: {question.text} {answer.label}")
    touched = [*cis, *services]
    if touched:
        worst = min(touched, key=lambda ci: ci.criticality)
        points = CRITICALITY_POINTS.get(worst.criticality, 0)
        if points:
            score += points
            # stored English whoever's language is active (the label is translated):
            # the enum's name is the English word ("high")
            label = Criticality(worst.criticality).name.lower()
            reasons.append(f"+{points}: {worst.number} {worst.name} is {label}")
    if cis:
        since = timezone.now() - dt.timedelta(days=settings.failed_history_days)
        failed = (
            ChangeCI.objects.filter(ci_id__in=[ci.id for ci in cis])
            .exclude(change_id=change.pk)
            .filter(
                change__outcome__in=[Outcome.FAILED, Outcome.BACKED_OUT],
                change__actual_end__gte=since,
            )
            .values("change_id")
            .distinct()
            .count()
        )
        if failed:
            points = min(FAILED_CHANGE_CAP, failed * FAILED_CHANGE_POINTS)
            score += points
            reasons.append(
                f"+{points}: {failed} failed or backed-out change(s) on these CIs in the last "
                f"{settings.failed_history_days} days"
            )
    if change.status == Status.DRAFT and not change.risk_answers:
        reasons.append(NOT_ANSWERED)
    return Assessment(score=score, level=level_for(score, settings), reasons=reasons)
