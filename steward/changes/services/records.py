"""Change write use cases: create, update (incl. status moves and scheduling), comment (the
post-implementation review: ``services/reviews.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.changes import selectors
from steward.changes.choices import (
    ACTIVE_STATES,
    EDITABLE_SCOPE_STATES,
    TERMINAL_STATES,
    ApprovalState,
    ChangeType,
    Status,
)
from steward.changes.models import Change, ChangeCI
from steward.changes.services import risk
from steward.changes.services.approvals import approvals_request
from steward.changes.services.fields import (
    AUDITED,
    CREATABLE,
    EDITABLE,
    ScheduleConflict,
    clean_values,
    conflict_json,
    require_agent,
)
from steward.changes.workflow import CHANGE_FLOW, starts_early
from steward.core import audit, inserts, outbox, pipeline
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import Conflict, ValidationFailed
from steward.core.models import Comment
from steward.core.numbering import next_number
from steward.core.selectors.timeline import format_datetime
from steward.core.services import comment_add
from steward.core.services.common import reject_unknown, resolve_ref
from steward.core.services.records import RecordRules, record_update
from steward.core.services.references import refuse_unserved


def _sync_windows(change: Change) -> None:
    """Copy the planned window and whether it is held onto the change's CI rows."""
    ChangeCI.objects.filter(change=change).update(
        planned_start=change.planned_start,
        planned_end=change.planned_end,
        holds_window=change.status in ACTIVE_STATES
        and change.planned_start is not None
        and change.planned_end is not None,
    )


def _set_cis(change: Change, cis: list) -> None:
    ChangeCI.objects.filter(change=change).exclude(ci__in=cis).delete()
    have = set(ChangeCI.objects.filter(change=change).values_list("ci_id", flat=True))
    ChangeCI.objects.bulk_create(
        [ChangeCI(change=change, ci=ci) for ci in cis if ci.id not in have]
    )


def _reassess(change: Change) -> list[str]:
    """Recompute impacted services and risk from the answers and CIs; the changed fields."""
    cis = list(change.cis.select_related("ci_class"))
    policy = risk.policy()
    services, failed = risk.exposure(cis, change=change, using=policy)
    change.impacted_services.set(services)
    result = risk.assess(change, cis=cis, services=services, using=policy, failed=failed)
    changed = [
        name
        for name, value in (
            ("risk_score", result.score),
            ("risk_level", result.level),
            ("risk_reasons", result.reasons),
        )
        if getattr(change, name) != value
    ]
    change.risk_score, change.risk_level, change.risk_reasons = (
        result.score,
        result.level,
        result.reasons,
    )
    return changed


# records a change links to by number (incidents it fixes, problems it resolves)
LINKS = ("incidents", "problems")


def _link_numbers(change: Change, name: str) -> list[str]:
    return sorted(getattr(change, name).values_list("number", flat=True))


def change_create(actor: Actor, *, title: str, **fields: Any) -> Change:
    """Raise a change (agents): a template makes it standard with the template's plans;
    risk and impacted services are computed from the answers and CIs; audited.

    Everything that only reads (validation, the impact walks, the risk score) runs before
    the write transaction, so SQLite's write lock is held for the inserts alone; the change
    is inserted with its risk (no second ``UPDATE``) and its links are inserted without
    reading the links a new change cannot have (docs/benchmarks-changes.md)."""
    require_agent(actor)
    reject_unknown(fields, CREATABLE)
    template_slug = fields.pop("template", None)
    kind = fields.pop("type", None) or (ChangeType.STANDARD if template_slug else ChangeType.NORMAL)
    if kind not in ChangeType.values:
        raise ValidationFailed.one(
            "type", _("one of %(value)s") % {"value": ", ".join(ChangeType.values)}
        )
    template = None
    if template_slug:
        template = resolve_ref(
            selectors.template_visible(actor).filter(is_active=True),
            "template",
            template_slug,
            key="slug",
            label="active template",
        )
    if kind == ChangeType.STANDARD and template is None:
        raise ValidationFailed.one("template", _("a standard change is made from a template"))
    if kind != ChangeType.STANDARD and template is not None:
        raise ValidationFailed.one(
            "type", _("a change from a template is standard (choose Standard, or no template)")
        )
    clean = clean_values(actor, {"title": title, **fields}, None)
    cis = list(dict.fromkeys(clean.pop("cis", [])))  # each CI once, in the order given
    links = {name: clean.pop(name, []) for name in LINKS}
    requester = clean.pop("requester", None) or actor.user
    if requester is None:
        raise ValidationFailed.one("requester", _("required when the system raises a change"))
    # an agent limited to organisations raises changes of those she serves (or none)
    refuse_unserved(actor, "requester", requester.organisation_id)
    if template is not None:
        for name in ("implementation_plan", "backout_plan", "test_plan"):
            clean.setdefault(name, "")
            clean[name] = clean[name] or getattr(template, name)
        clean["description"] = clean.get("description") or template.description
    change = Change(
        type=kind,
        template=template,
        requester=requester,
        organisation_id=requester.organisation_id,
        approval_state=(
            ApprovalState.NOT_REQUIRED
            if kind == ChangeType.STANDARD
            else ApprovalState.NOT_REQUESTED
        ),
        **clean,
    )
    # the impact walks of every CI and the failed changes on them: one statement (0046)
    policy = risk.policy()
    services, failed = risk.exposure(cis, change=change, using=policy)
    result = risk.assess(change, cis=cis, services=services, using=policy, failed=failed)
    change.risk_score, change.risk_level, change.risk_reasons = (
        result.score,
        result.level,
        result.reasons,
    )
    # PostgreSQL waits three times (decision 0050, core.pipeline): for the number (BEGIN
    # travels with it), for the change's id, then once for the links, audit entry and
    # event, sent together with no id read back; each insert's SQL is compiled once per
    # process (core.inserts) instead of per create
    with transaction.atomic(), pipeline.sent_together():
        change.number = next_number("CHG")
        inserts.insert(change)
        inserts.insert_many([ChangeCI(change=change, ci=ci) for ci in cis])
        for name, records in (("impacted_services", services), *links.items()):
            if records:  # a new change has no links: nothing to read or remove first
                through = getattr(Change, name).through
                own, other = _through_columns(name)
                inserts.insert_many(
                    [through(**{own: change.id, other: r.id}) for r in dict.fromkeys(records)]
                )
        after = audit.snapshot(change, AUDITED)
        after["cis"] = [ci.number for ci in cis]
        after.update({name: sorted(r.number for r in records) for name, records in links.items()})
        audit.record(actor, change, action=AuditAction.CREATE, after=after)
        outbox.emit(
            "change.created", change, number=change.number, type=change.type, risk=change.risk_level
        )
    # what the answer shows, as written (selectors.change_created): no read-back
    change.created_links = {"cis": cis, "impacted_services": services, **links}
    return change


def _through_columns(name: str) -> tuple[str, str]:
    """The attribute names (``change_id``, ``configurationitem_id``) of an M2M's rows."""
    field = Change._meta.get_field(name)
    return field.m2m_column_name(), field.m2m_reverse_name()


def _check_schedule(actor: Actor, change: Change, override: str) -> dict | None:
    """Refuse scheduling into conflicts or a freeze unless there is an override reason;
    return the conflicts overridden (for the audit row)."""
    if change.planned_start < timezone.now():
        raise ValidationFailed.one("planned_start", _("the planned window is in the past"))
    numbers = [ci.number for ci in change.cis.all()]
    report = selectors.conflicts_for(
        selectors.SYSTEM,
        change=change,
        ci_numbers=numbers,
        start=change.planned_start,
        end=change.planned_end,
        held_only=True,  # only a held window (or a freeze) refuses: see decision 0115
    )
    if report.empty:
        return None
    if not override:
        visible = selectors.conflicts_for(
            actor,
            change=change,
            ci_numbers=numbers,
            start=change.planned_start,
            end=change.planned_end,
            held_only=True,
        )
        raise ScheduleConflict(visible)
    return conflict_json(report)


def _apply_status(actor: Actor, change: Change, target: str, clean: dict, now: dt.datetime) -> None:
    source = change.status
    change.status = target
    if target == Status.IMPLEMENTATION:
        change.actual_start = clean.get("actual_start") or change.actual_start or now
        if change.type == ChangeType.EMERGENCY and change.approval_state != ApprovalState.APPROVED:
            change.implemented_before_authorisation = True
    if source == Status.IMPLEMENTATION and target in (Status.REVIEW, Status.FAILED):
        change.actual_end = clean.get("actual_end") or change.actual_end or now
    if target == Status.CLOSED:
        change.closed_at = now
    if target in (Status.DRAFT, Status.ASSESSMENT) and source == Status.AUTHORIZATION:
        change.approvals.all().delete()
        change.approval_state = ApprovalState.NOT_REQUESTED
    if target == Status.ASSESSMENT and source == Status.SCHEDULED:
        change.schedule_override_reason = ""


def _links(change: Change) -> dict[str, list[str]]:
    """The numbers of what the change links to (audited when they move)."""
    return {
        "cis": sorted(change.cis.values_list("number", flat=True)),
        **{name: _link_numbers(change, name) for name in LINKS},
    }


# what record_update needs to know: ``override_reason`` is named in ``changes`` too, and
# handled by ``_apply``; risk reasons follow the answers and CIs (saved, not audited)
UPDATE_RULES = RecordRules(
    editable=EDITABLE,
    audited=AUDITED,
    terminal=TERMINAL_STATES,
    event="change.updated",
    also_saved=("risk_reasons",),
    related=_links,
    relinked_by=("cis", *LINKS),  # only these rewrite the links (``_apply``)
)


def _load(actor: Actor, number: str) -> Change:
    change = selectors.change_for_update(actor, number=number)
    require_agent(actor)  # "agents only" comes before any other answer
    return change


def _clean(actor: Actor, change: Change, changes: dict[str, Any]) -> dict[str, Any]:
    """Scope fixed after assessment, every value checked (``clean_values``), and a status
    move checked against CHANGE_FLOW with the values it brings."""
    scope = {"cis", "risk_answers"} & set(changes)
    if scope and change.status not in EDITABLE_SCOPE_STATES:
        raise Conflict(
            _(
                "CIs and risk answers are fixed once authorisation starts (%(status)s); "
                "move the change back to assessment to change them."
            )
            % {"status": change.status},
            fields={
                name: [_("fixed in %(status)s") % {"status": change.status}]
                for name in sorted(scope)
            },
        )
    clean = clean_values(actor, changes, change)
    target = clean.get("status")
    if target is not None and target != change.status:
        data = {**clean, "_has_review": selectors.change_has_review(change)}
        CHANGE_FLOW.check(change, target=target, data=data)
        _refuse_early_start(change, target, clean)
    return clean


def _refuse_early_start(change: Change, target: str, clean: dict[str, Any]) -> None:
    """Starting a scheduled change well before its window asks for ``start_early``: the
    web page's tick box and the API's flag are the same confirmation (docs/changes.md)."""
    if target != Status.IMPLEMENTATION or clean.get("start_early"):
        return
    if starts_early(change, clean.get("actual_start") or timezone.now()):
        start = format_datetime(change.planned_start, timezone.get_current_timezone())
        raise ValidationFailed.one(
            "start_early",
            _("the planned window starts on %(start)s; confirm to start now anyway")
            % {"start": start},
        )


def _apply(actor: Actor, change: Change, clean: dict[str, Any]) -> dict[str, Any]:
    """Assign the values, replace the links (keeping those the actor may not see), reassess
    the risk, move the status (requesting approvals, checking the schedule); the conflicts
    an override overrode are returned for the audit entry."""
    clean = dict(clean)
    target = clean.pop("status", None)
    override = clean.pop("override_reason", "")
    clean.pop("start_early", None)  # checked in ``_clean``: a confirmation, not a field
    cis = clean.pop("cis", None)
    links = {name: clean.pop(name, None) for name in LINKS}
    moving = target is not None and target != change.status
    for name, value in clean.items():
        setattr(change, name, value)
    relinking = cis is not None or any(v is not None for v in links.values())
    hidden = selectors.change_hidden_links(actor, change) if relinking else {}
    if cis is not None:
        _set_cis(change, [*cis, *hidden["cis"]])
    for name, records in links.items():
        if records is not None:
            getattr(change, name).set([*records, *hidden[name]])
    if cis is not None or "risk_answers" in clean:
        _reassess(change)
    overridden = None
    if moving:
        _apply_status(actor, change, target, clean, timezone.now())
        if target == Status.AUTHORIZATION or (
            target == Status.IMPLEMENTATION and change.approval_state == ApprovalState.NOT_REQUESTED
        ):
            approvals_request(actor, change)
        if target == Status.SCHEDULED:
            overridden = _check_schedule(actor, change, override)
            change.schedule_override_reason = override if overridden else ""
    elif {"planned_start", "planned_end"} & set(clean) and change.status in ACTIVE_STATES:
        if change.planned_start is None or change.planned_end is None:
            raise ValidationFailed.one("planned_start", _("a scheduled change keeps its window"))
        overridden = _check_schedule(actor, change, override)
        change.schedule_override_reason = override if overridden else ""
    return {"overridden_conflicts": overridden} if overridden else {}


@transaction.atomic
def change_update(
    actor: Actor, *, number: str, expected_version: int | None, changes: dict[str, Any]
) -> Change:
    """Change a change's fields; status moves follow CHANGE_FLOW (409 with the allowed
    states, 422 naming missing guard fields); scheduling checks conflicts and freezes."""
    done = record_update(
        actor,
        load=lambda: _load(actor, number),
        rules=UPDATE_RULES,
        expected_version=expected_version,
        changes=changes,
        clean=lambda change, values: _clean(actor, change, values),
        apply=lambda change, clean: _apply(actor, change, clean),
    )
    change = done.record
    if not done.changed:
        return change
    _sync_windows(change)
    if "status" in done.changed:
        outbox.emit(
            f"change.{change.status}", change, number=change.number, source=done.before["status"]
        )
    return change


@transaction.atomic
def change_comment(actor: Actor, *, number: str, body: str, internal: bool = False) -> Comment:
    """A reply or an internal work note on a change the actor may see."""
    change = selectors.change_for_update(actor, number=number)
    comment = comment_add(actor, target=change, body=body, internal=internal)
    outbox.emit(
        "change.commented", change, number=change.number, comment=comment.pk, internal=internal
    )
    return comment
