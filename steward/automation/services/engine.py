"""Running the rules: the incident services fire ``core.hooks`` after their write, in their
transaction; the active rules that listen to it and whose conditions all match act, in
order, through the incidents app's own services, as the system actor named after the rule
(so the audit entry says which rule did it). A rule's own writes fire no rules (hooks.quiet):
no loops. A rule whose action is refused (its team deactivated since it was saved, a move
the workflow forbids) is undone alone, in its savepoint, and logged as failed: the person's
or monitor's write goes on, and the administrator sees the failure on the rule's page.
Anything else (a fault, not a refusal) rolls back the whole write.

The SLA triggers (decision 0104) run the same way from the SLA sweep: the one writer of a
clock's unique threshold event fires ``hooks.SLA_THRESHOLD`` in its transaction, so a rule
runs once per clock and threshold, and a crash before the commit leaves neither."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from steward.automation import selectors
from steward.automation.choices import SLA_TRIGGERS, Trigger
from steward.automation.models import Rule, RuleRun
from steward.automation.selectors.plan import plan, shown
from steward.core import hooks, inserts, outbox
from steward.core.actor import Actor
from steward.core.errors import DomainError
from steward.core.models import User
from steward.incidents import services as incident_services
from steward.incidents.models import Incident

NOTIFY_TOPIC = "automation.notify"
logger = logging.getLogger(__name__)


def rule_actor(rule: selectors.Compiled) -> Actor:
    """The system acting for ``rule``: its audit entries read ``system:automation rule 3
    (name)``."""
    return Actor.system(f"automation rule {rule.pk} ({rule.name})"[:140])


def on_created(actor: Actor, incident: Any, changed: Sequence[str] = ()) -> bool:
    return run(Trigger.CREATED, incident, ())


def on_updated(actor: Actor, incident: Any, changed: Sequence[str] = ()) -> bool:
    return run(Trigger.UPDATED, incident, tuple(changed))


def on_sla_threshold(actor: Actor, clock: Any, changed: Sequence[str] = ()) -> bool:
    """An incident's SLA clock crossed its warning or breach (``changed``: the threshold):
    the rules for it, with the clock's kind to match their ``trigger_clock``. Nothing is read
    unless an active rule listens to that threshold."""
    event = SLA_TRIGGERS.get(changed[0]) if changed else None
    kind = (clock.kind,)
    if event is None or not any(r.fires_on(event, None, kind) for r in selectors.active_rules()):
        return False
    if clock.content_type_id != ContentType.objects.get_for_model(Incident).pk:
        return False  # another record's clock (a request's, a change's): incidents only
    incident = Incident.objects.filter(pk=clock.object_id).first()
    if incident is None:
        return False
    return run(event, incident, kind)


def run(event: str, incident: Any, changed: tuple[str, ...]) -> bool:
    """The rules for ``event`` on ``incident``; whether one fired (the record changed).
    For an SLA trigger ``changed`` names the clock's kind."""
    rules = selectors.active_rules()
    if not rules:
        return False
    fired = False
    with hooks.quiet():
        for rule in rules:
            if not rule.fires_on(event, incident, changed) or not rule.matches(incident):
                continue
            try:
                with transaction.atomic():
                    incident = apply(rule, incident, event, changed)
                fired = True
            except DomainError as refused:
                log_failure(rule, incident, event, refused, changed)
            if rule.stop_processing:
                break
    return fired


def apply(
    rule: selectors.Compiled, incident: Any, event: str, changed: tuple[str, ...] = ()
) -> Any:
    """Do ``rule``'s actions on ``incident`` and log the run; the incident as it is after."""
    actor = rule_actor(rule)
    planned = plan(rule, incident)
    done: dict[str, Any] = {"fields": {}}
    if event in SLA_TRIGGERS.values() and changed:
        done["clock"] = changed[0]  # which clock crossed its threshold
    if planned.changes:
        names = [n for n in planned.changes if n != "priority_override_reason"]
        before = {n: shown(incident, n) for n in names}
        incident = incident_services.incident_update(
            actor, number=incident.number, expected_version=None, changes=planned.changes
        )
        after = {n: shown(incident, n) for n in names}
        done["fields"] = {n: [before[n], after[n]] for n in names if before[n] != after[n]}
    for body in planned.notes:
        incident_services.incident_comment(actor, number=incident.number, body=body, internal=True)
    if planned.notes:
        done["notes"] = len(planned.notes)
    if planned.watchers:
        users = list(User.objects.filter(username__in=planned.watchers, is_active=True))
        incident = incident_services.incident_watchers_add(
            actor, number=incident.number, users=users
        )
        done["watchers"] = sorted(u.username for u in users)
    for target in planned.mails:
        outbox.emit(NOTIFY_TOPIC, incident, rule=rule.pk, rule_name=rule.name, target=target)
    if planned.mails:
        done["mails"] = planned.mails
    run = RuleRun(
        rule_id=rule.pk,
        rule_name=rule.name,
        incident_id=incident.pk,
        trigger=event,
        at=timezone.now(),
        changes=done,
    )
    inserts.insert(run, computed=_still_there(rule))
    return incident


def _still_there(rule: selectors.Compiled) -> dict[str, str]:
    """The run's rule as the insert itself reads it: none when the rule was deleted since
    this process compiled it (the stamp is read once per request); naming the gone row would
    fail the whole write at its commit."""
    table = Rule._meta.db_table
    return {"rule": f'(SELECT id FROM "{table}" WHERE id = {int(rule.pk)})'}  # noqa: S608


def log_failure(
    rule: selectors.Compiled,
    incident: Any,
    event: str,
    refused: DomainError,
    changed: tuple[str, ...] = (),
) -> None:
    """A rule refused on ``incident``: its run logged with the reason, nothing of it kept."""
    logger.warning(
        "automation rule %s (%s) refused on %s: %s", rule.pk, rule.name, incident.number, refused
    )
    reason = {name: [str(m) for m in messages] for name, messages in refused.fields.items()}
    changes: dict[str, Any] = {"failed": str(refused.message)[:500], "fields": {}}
    changes["refused"] = reason
    if event in SLA_TRIGGERS.values() and changed:
        changes["clock"] = changed[0]
    run = RuleRun(
        rule_id=rule.pk,
        rule_name=rule.name,
        incident_id=incident.pk,
        trigger=event,
        at=timezone.now(),
        changes=changes,
    )
    inserts.insert(run, computed=_still_there(rule))
