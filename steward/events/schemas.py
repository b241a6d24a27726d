"""API shapes for monitoring events and the alerts they make."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import ConfigDict, Field

from steward.api.http import In, Moment
from steward.events.services.alertmanager import MAX_ALERTS


class EventIn(In):
    """One monitoring event. Text is checked by the service (a bad value is a 422 naming
    its field); ``key``, when the source has one, replaces node + resource in the dedup."""

    source: str = Field(..., description="the sending system, e.g. nagios (at most 40)")
    node: str = Field(
        ...,
        description="the host name the event is about (at most 2048; past 255 the alert keeps "
        "it cut, whole in details['steward.node'])",
    )
    resource: str = Field(
        ...,
        description="the check or resource that fired (at most 2048; past 255 the alert keeps "
        "it cut, whole in details['steward.resource'])",
    )
    severity: str = Field(..., description="one of critical, major, minor, warning, info, clear")
    summary: str = Field(..., description="one line, at most 500 characters")
    details: dict[str, Any] | None = Field(
        None,
        description="a JSON object of at most 8 KiB, 5 levels deep; keys beginning with "
        "steward. are Steward's own",
    )
    key: str | None = Field(
        None,
        description="the source's own dedup key (at most 2048; past 255 the alert keeps it "
        "cut, whole in details['steward.key'])",
    )


class AlertmanagerAlertIn(Schema):
    """One alert of Alertmanager's webhook body (version 4). Fields Steward does not read
    are ignored, so a newer Alertmanager's additions do not refuse its notifications."""

    model_config = ConfigDict(extra="ignore")

    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(..., description="alertname, instance, job, severity, …")
    annotations: dict[str, str] | None = Field(None, description="summary, description, …")
    startsAt: str | None = Field(None, max_length=64)  # noqa: N815 - Alertmanager's name
    endsAt: str | None = Field(None, max_length=64)  # noqa: N815
    generatorURL: str | None = Field(None, max_length=4096)  # noqa: N815
    fingerprint: str | None = Field(None, description="the dedup key of the alert")


class AlertmanagerIn(Schema):
    """Alertmanager's webhook notification (``webhook_configs``, version 4): each alert is
    one event of source ``prometheus``; the group's fields are read by Alertmanager only."""

    model_config = ConfigDict(extra="ignore")

    version: Literal["4"] | None = Field(None, description="the webhook body's version: 4")
    status: str | None = Field(None, max_length=20)
    alerts: list[AlertmanagerAlertIn] = Field(
        ..., max_length=MAX_ALERTS, description="at most 200: set max_alerts in webhook_configs"
    )


class AlertmanagerResult(Schema):
    outcome: str = Field(
        description="created, updated, closed or ignored (a clear of nothing, or a Zabbix "
        "problem already recovered)"
    )
    alert: int | None = Field(description="the alert's id (none: a clear of nothing)")


class AlertmanagerOut(Schema):
    alerts: list[AlertmanagerResult] = Field(description="one per alert, in the body's order")


class ZabbixIn(Schema):
    """The parameters of a Zabbix webhook media type, posted as they are (docs/events.md).
    Every value is text, as Zabbix sends it; other parameters are ignored."""

    model_config = ConfigDict(extra="ignore")

    event_id: str = Field(..., max_length=40, description="{EVENT.ID}: the problem's id")
    event_value: str = Field(..., max_length=10, description="{EVENT.VALUE}: 1 problem, 0 ok")
    severity: str = Field(..., max_length=10, description="{EVENT.NSEVERITY}: 0 to 5")
    host: str = Field(
        ...,
        max_length=20_000,
        description="{HOST.HOST}; past 255 characters cut, whole in details['steward.node']",
    )
    trigger: str = Field(
        ...,
        max_length=20_000,
        description="{TRIGGER.NAME}; past 255 characters cut, whole in details['steward.resource']",
    )
    summary: str | None = Field(None, max_length=4000, description="{EVENT.NAME}")
    event_tags: str | None = Field(None, max_length=4000, description="{EVENT.TAGS}")
    event_opdata: str | None = Field(None, max_length=4000, description="{EVENT.OPDATA}")
    trigger_url: str | None = Field(None, max_length=4000, description="{TRIGGER.URL}")
    event_date: str | None = Field(None, max_length=40, description="{EVENT.DATE}")
    event_time: str | None = Field(None, max_length=40, description="{EVENT.TIME}")


class AlertOut(Schema):
    id: int
    state: str
    severity: str
    source: str
    node: str
    resource: str
    key: str
    summary: str
    details: dict[str, Any]
    count: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    ci: str | None = Field(description="number of the matched CMDB CI, if the reader may see it")
    incident: str | None = Field(
        description="number of the incident the alert opened, if the reader may see it"
    )
    in_maintenance: bool = Field(
        description="under a maintenance window (a change's or a manual one): no incident"
    )
    flapping: bool = Field(
        description="changing state too often lately: no incident, no notes (decision 0105)"
    )
    flapping_until: dt.datetime | None = Field(
        description="when it stops flapping if it stays as it is"
    )
    acknowledged_by: str | None
    acknowledged_at: dt.datetime | None
    closed_at: dt.datetime | None
    closed_by: str = Field(description="clear (by its source) or agent; empty while live")

    @staticmethod
    def resolve_ci(obj) -> str | None:
        return obj.configuration_item.number if obj.configuration_item else None

    @staticmethod
    def resolve_incident(obj) -> str | None:
        return obj.incident.number if obj.incident else None

    @staticmethod
    def resolve_flapping(obj) -> bool:
        return obj.is_flapping

    @staticmethod
    def resolve_flapping_until(obj) -> dt.datetime | None:
        return obj.flapping_until if obj.is_flapping else None

    @staticmethod
    def resolve_acknowledged_by(obj) -> str | None:
        return obj.acknowledged_by.username if obj.acknowledged_by_id else None


class EventOut(Schema):
    outcome: str = Field(
        description="created, updated, closed or ignored (a clear of nothing, or a Zabbix "
        "problem already recovered)"
    )
    alert: AlertOut | None = Field(description="the alert, if the sender may see it")


CiNumber = Annotated[str, Field(max_length=40)]


class WindowOut(Schema):
    id: int
    name: str
    reason: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    node_pattern: str = Field(description="shell-style pattern over the event's node, or empty")
    configuration_items: list[str] = Field(description="numbers of the CIs it covers")
    in_force: bool = Field(description="whether the window holds now")
    created_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @staticmethod
    def resolve_configuration_items(obj) -> list[str]:
        return sorted(ci.number for ci in obj.configuration_items.all())

    @staticmethod
    def resolve_in_force(obj) -> bool:
        return obj.starts_at <= timezone.now() < obj.ends_at

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.username if obj.created_by_id else None


class WindowCreateIn(In):
    """A manual maintenance window: CIs and/or a node pattern, at most 7 days long."""

    name: str = Field(..., max_length=200)
    reason: str = Field("", max_length=10_000)
    starts_at: Moment
    ends_at: Moment
    node_pattern: str = Field("", max_length=255, description="e.g. web*.example.com")
    configuration_items: list[CiNumber] = Field([], max_length=200, description="CI numbers")


class WindowPatchIn(In):
    not_null: ClassVar[frozenset[str]] = frozenset({"name", "reason", "node_pattern"})

    version: int | None = None
    name: str | None = Field(None, max_length=200)
    reason: str | None = Field(None, max_length=10_000)
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    node_pattern: str | None = Field(None, max_length=255)
    configuration_items: list[CiNumber] | None = Field(None, max_length=200)
