"""Every write of event management: events in, alerts worked."""

from steward.events.services.alertmanager import alertmanager_events, alertmanager_ingest
from steward.events.services.alerts import WORK_REFUSED, alert_acknowledge, alert_close
from steward.events.services.expiry import alerts_expire
from steward.events.services.ingest import SEND_REFUSED, Ingested, event_ingest, fingerprint
from steward.events.services.unseen import clears_forget
from steward.events.services.windows import (
    WINDOW_REFUSED,
    window_create,
    window_delete,
    window_end,
    window_update,
)
from steward.events.services.zabbix import zabbix_event, zabbix_ingest

__all__ = [
    "alertmanager_events",
    "alertmanager_ingest",
    "SEND_REFUSED",
    "WINDOW_REFUSED",
    "WORK_REFUSED",
    "Ingested",
    "alert_acknowledge",
    "alert_close",
    "alerts_expire",
    "clears_forget",
    "event_ingest",
    "fingerprint",
    "window_create",
    "window_delete",
    "window_end",
    "window_update",
    "zabbix_event",
    "zabbix_ingest",
]
