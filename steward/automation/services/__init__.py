"""Every write use case of automation: rules, and running them on incidents."""

from steward.automation.services.engine import (
    apply,
    on_created,
    on_sla_threshold,
    on_updated,
    rule_actor,
    run,
)
from steward.automation.services.rules import rule_create, rule_delete, rule_update

__all__ = [
    "apply",
    "on_created",
    "on_sla_threshold",
    "on_updated",
    "rule_actor",
    "rule_create",
    "rule_delete",
    "rule_update",
    "run",
]
