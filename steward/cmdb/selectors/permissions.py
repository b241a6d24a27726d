"""What an actor may do in the CMDB: the pages' buttons and forms come from here, and the
services enforce the same rules (administrators and asset managers write; a CI's status
moves follow ``CI_FLOW``; classes and relationship types are the administrators')."""

from __future__ import annotations

from dataclasses import dataclass

from steward.cmdb.choices import CIStatus
from steward.cmdb.models import ConfigurationItem
from steward.cmdb.selectors.cis import can_write
from steward.cmdb.workflow import CI_FLOW
from steward.core.actor import Actor


@dataclass(frozen=True)
class CICapabilities:
    """What the CMDB's pages offer the actor, for one CI or (``ci`` None) for the list.

    ``statuses`` are the (value, label) pairs the CI form may offer: its current status
    and the moves the lifecycle allows from there (every status for a new CI)."""

    can_create: bool
    can_edit: bool
    can_relate: bool
    can_import: bool
    can_edit_classes: bool
    statuses: tuple[tuple[str, str], ...]


def ci_statuses(ci: ConfigurationItem | None) -> tuple[tuple[str, str], ...]:
    """The statuses a CI may be given in one edit: where it is and where it may move."""
    if ci is None:
        return tuple(CIStatus.choices)
    allowed = {ci.status, *CI_FLOW.allowed(ci.status)}
    return tuple((value, label) for value, label in CIStatus.choices if value in allowed)


def ci_capabilities(
    actor: Actor, ci: ConfigurationItem | None = None, *, past: bool = False
) -> CICapabilities:
    """Writers create, edit, relate and import; administrators also define classes and
    relationship types; every agent reads. A CI shown as it was (``past``) is read-only."""
    writer = can_write(actor)
    current = writer and ci is not None and not past
    return CICapabilities(
        can_create=writer,
        can_edit=current,
        can_relate=current,
        can_import=writer,
        can_edit_classes=actor.is_admin,
        statuses=ci_statuses(ci),
    )
