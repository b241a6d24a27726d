"""Every write of event management: events in, alerts worked."""

from steward.events.services.alerts import WORK_REFUSED, alert_acknowledge, alert_close
from steward.events.services.ingest import SEND_REFUSED, Ingested, event_ingest, fingerprint

__all__ = [
    "SEND_REFUSED",
    "WORK_REFUSED",
    "Ingested",
    "alert_acknowledge",
    "alert_close",
    "event_ingest",
    "fingerprint",
]
