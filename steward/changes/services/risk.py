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

from django.db import connections
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
    """Business services above the CIs (the CMDB's recursive impact walk, upwards, from each
    CI, all the walks in one statement with the relationship types read once), and the CIs
    themselves when they are business services. ``cis`` are read with their class
    (``select_related("ci_class")``)."""
    return exposure(cis)[0]


def exposure(
    cis: list[ConfigurationItem], *, change: Change | None = None, using: Policy | None = None
) -> tuple[list[Any], int | None]:
    """``impacted_services(cis)`` and, with ``using`` (the policy whose history window
    counts), how many failed or backed-out changes other than ``change`` touched these CIs
    recently (``assess``'s ``failed``), in one statement (decision 0046); ``None`` without
    ``using`` or CIs."""
    found: dict[int, Any] = {}
    if not cis:
        return [], None
    also = None
    if using is not None:
        sql, params = failed_sql(cis, change, using.settings)
        also = (f"SELECT COUNT(*) FROM ({sql}) f", params)  # noqa: S608 - the ORM's
    walks, failed = cmdb_selectors.impacts_from(
        SYSTEM, cis, direction=Direction.UP, depth=SERVICE_DEPTH, also=also
    )
    for ci, walk in zip(cis, walks, strict=True):
        if ci.ci_class.slug == "business_service":
            found[ci.id] = ci
        for node in walk.business_services:
            if node.id not in found:
                found[node.id] = _service(node)
    return sorted(found.values(), key=lambda ci: ci.number), failed


def _failed(cis: list[Any], change: Change | None, settings: ChangeSettings) -> Any:
    """The distinct failed or backed-out changes (other than ``change``) on ``cis`` that
    ended within the settings' history window."""
    since = timezone.now() - dt.timedelta(days=settings.failed_history_days)
    return _failed_since([ci.id for ci in cis], getattr(change, "pk", None), since)


def _failed_since(ci_ids: list[int], change_id: int | None, since: dt.datetime) -> Any:
    return (
        ChangeCI.objects.filter(ci_id__in=ci_ids)
        .exclude(change_id=change_id)
        .filter(
            change__outcome__in=[Outcome.FAILED, Outcome.BACKED_OUT],
            change__actual_end__gte=since,
        )
        .values("change_id")
        .distinct()
    )


# 1901-01-01 UTC: no change ends then, so the compiled query's only parameter equal to it
# is the window's start (the sentinels for the CIs and the change are negative ids)
_SINCE = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)
_shapes: dict[tuple, tuple[str, list[tuple[str, int]]]] = {}


def failed_sql(cis: list[Any], change: Change | None, settings: ChangeSettings) -> tuple:
    """``_failed(cis, change, settings)``'s SQL and parameters, the ORM's compile done once
    per process and shape (how many CIs, whether a saved change is left out, the database)
    and filled with this call's values: building and compiling that query was about a
    sixth of a create's CPU (decision 0050). Equal to ``.query.sql_with_params()``
    (tests/changes/test_risk.py)."""
    pk = getattr(change, "pk", None)
    ids = [ci.id for ci in cis]
    db = ChangeCI.objects.db
    adapt = connections[db].ops.adapt_datetimefield_value
    key = (len(ids), pk is None, db)
    shape = _shapes.get(key)
    if shape is None:
        marks = [-1 - i for i in range(len(ids))]
        mark = None if pk is None else -1 - len(ids)
        sql, params = _failed_since(marks, mark, _SINCE).query.sql_with_params()
        slots = {adapt(_SINCE): ("since", 0)} | {m: ("ci", i) for i, m in enumerate(marks)}
        if mark is not None:
            slots[mark] = ("change", 0)
        filled = [slots.get(p, ("as is", p)) for p in params]
        if len([f for f in filled if f[0] != "as is"]) != len(slots):
            raise RuntimeError("the failed changes' query took its values in another form")
        shape = _shapes[key] = (sql, filled)
    sql, filled = shape
    since = adapt(timezone.now() - dt.timedelta(days=settings.failed_history_days))
    values = {"since": [since], "ci": ids, "change": [pk]}
    return sql, [value if kind == "as is" else values[kind][value] for kind, value in filled]


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
    change: Change,
    *,
    cis: list[Any],
    services: list[Any],
    using: Policy | None = None,
    failed: int | None = None,
) -> Assessment:
    """Score ``change`` with its answers, its CIs and impacted services; every point has a
    reason a CAB member can read. ``failed``: the recent failed changes on the CIs as
    ``exposure`` counted them (read here when not given)."""
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
        if failed is None:
            failed = _failed(cis, change, settings).count()
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
