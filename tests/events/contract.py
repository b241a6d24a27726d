"""The alerts API in the contract registry: alerts are scoped by the organisation of the CI
their node matched (none: every agent's), and how each list filter selects one alert and not
another."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.core.models import User
from steward.events import services
from steward.events.models import Alert, MaintenanceWindow
from tests.contract.registry import ORG_SCOPED, Resource, _org_of, _set

SYSTEM = Actor.system("contract")


def make_alert(owner: User | None, tag: str) -> Alert:
    """A warning (no incident) on a CI of the owner's organisation, matched by its fqdn."""
    org = _org_of(owner) if owner is not None else None
    ci_create(
        SYSTEM,
        name=f"mon-{tag}",
        ci_class="server",
        organisation=org.slug if org else None,
        attributes={"fqdn": f"mon-{tag}.example.com"},
    )
    done = services.event_ingest(
        SYSTEM,
        source=f"src{tag}",
        node=f"mon-{tag}.example.com",
        resource=f"check {tag}",
        severity="warning",
        summary=f"summary {tag}",
    )
    return done.alert


def _acknowledged(match: Alert, other: Alert) -> str:
    _set(match, state="acknowledged")
    return "acknowledged"


def _minor(match: Alert, other: Alert) -> str:
    _set(match, severity="minor")
    return "minor"


ALERTS = Resource(
    name="alerts",
    collection="/api/v1/alerts",
    model=Alert,
    key="id",
    make=make_alert,
    visible=ORG_SCOPED,
    list_query_ceiling=8,
    versioned=False,
    absent_key="999999999",
    filters={
        "state": _acknowledged,
        "severity": _minor,
        "source": lambda match, other: match.source,
        "ci": lambda match, other: match.configuration_item.number,
        "q": lambda match, other: match.node,
    },
)


def _window_ci(owner: User | None, tag: str) -> str:
    org = _org_of(owner) if owner is not None else None
    return ci_create(
        SYSTEM,
        name=f"mw-{tag}",
        ci_class="server",
        organisation=org.slug if org else None,
    ).number


def make_window(owner: User | None, tag: str) -> MaintenanceWindow:
    """A window in force over a CI of the owner's organisation: only who sees the CI reads
    it (decision 0105)."""
    start = timezone.now() - dt.timedelta(minutes=5)
    return services.window_create(
        SYSTEM,
        name=f"window {tag}",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        configuration_items=[_window_ci(owner, tag)],
    )


def _window_other_later(match: MaintenanceWindow, other: MaintenanceWindow) -> str:
    later = timezone.now() + dt.timedelta(days=2)
    _set(other, starts_at=later, ends_at=later + dt.timedelta(hours=1))
    return timezone.now().isoformat()


def _window_payload(tag: str) -> dict:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)
    return {
        "name": f"Patch night {tag}",
        "starts_at": f"{start:%Y-%m-%dT%H:%M:%S}Z",
        "ends_at": f"{start + dt.timedelta(hours=2):%Y-%m-%dT%H:%M:%S}Z",
        "configuration_items": [_window_ci(None, tag)],
    }


MAINTENANCE_WINDOWS = Resource(
    name="maintenance-windows",
    collection="/api/v1/maintenance-windows",
    model=MaintenanceWindow,
    key="id",
    make=make_window,
    visible=ORG_SCOPED,  # a window naming CIs for those who may see every one of them
    list_query_ceiling=8,
    writer="agent",
    delete=True,
    absent_key="999999999",
    create_payload=_window_payload,
    patch_payload=lambda tag: {"reason": f"Patched {tag}"},
    filters={
        "q": lambda match, other: match.name,
        "active_at": _window_other_later,
    },
)
