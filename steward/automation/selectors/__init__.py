"""Every read of automation, scoped to what the actor may see."""

from steward.automation.selectors.permissions import can_read, can_write
from steward.automation.selectors.plan import DryRun, dry_run
from steward.automation.selectors.rules import (
    Compiled,
    active_rules,
    compile_rules,
    rule_for_update,
    rule_get,
    rule_list,
    rule_runs,
    rule_visible,
)
from steward.automation.selectors.values import ACTION_LISTS, CONDITION_LISTS, rule_value_choices

__all__ = [
    "ACTION_LISTS",
    "CONDITION_LISTS",
    "Compiled",
    "DryRun",
    "active_rules",
    "can_read",
    "can_write",
    "compile_rules",
    "dry_run",
    "rule_for_update",
    "rule_get",
    "rule_list",
    "rule_runs",
    "rule_value_choices",
    "rule_visible",
]
