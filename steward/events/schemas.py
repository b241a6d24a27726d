"""API shapes for monitoring events and the alerts they make."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from steward.api.http import In
from steward.events.services.alertmanager import MAX_ALERTS


class EventIn(In):
    """One monitoring event. Text is checked by the service (a bad value is a 422 naming
    its field); ``key``, when the source has one, replaces node + resource in the dedup."""

    source: str = Field(..., description="the sending system, e.g. nagios (at most 40)")
    node: str = Field(..., description="the host name the event is about (at most 255)")
    resource: str = Field(..., description="the check or resource that fired (at most 255)")
    severity: str = Field(..., description="one of critical, major, minor, warning, info, clear")
    summary: str = Field(..., description="one line, at most 500 characters")
    details: dict[str, Any] | None = Field(
        None, description="a JSON object of at most 8 KiB, 5 levels deep"
    )
    key: str | None = Field(None, description="the source's own dedup key (at most 255)")


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
    outcome: str = Field(description="created, updated, closed or ignored (a clear of nothing)")
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
    host: str = Field(..., max_length=1000, description="{HOST.HOST}")
    trigger: str = Field(..., max_length=1000, description="{TRIGGER.NAME}")
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
        description="raised while its CI was under a scheduled change's window: no incident"
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
    def resolve_acknowledged_by(obj) -> str | None:
        return obj.acknowledged_by.username if obj.acknowledged_by_id else None


class EventOut(Schema):
    outcome: str = Field(description="created, updated, closed or ignored (a clear of nothing)")
    alert: AlertOut | None = Field(description="the alert, if the sender may see it")
