"""The alerts API in the contract registry: alerts are scoped by the organisation of the CI
their node matched (none: every agent's), and how each list filter selects one alert and not
another."""

from __future__ import annotations

from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.core.models import User
from steward.events import services
from steward.events.models import Alert
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
