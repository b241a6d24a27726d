"""Zabbix's webhook media type, its parameters posted as they are: one problem or recovery
event of source ``zabbix`` (docs/events.md, decision 0095 amendment 10). Zabbix's
``{EVENT.ID}`` is the problem's id in the problem and in its recovery, so it is the key:
the recovery closes the alert the problem raised."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from steward.core.actor import Actor
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.events import selectors
from steward.events.choices import Severity
from steward.events.services.ingest import SEND_REFUSED, Ingested, event_ingest
from steward.events.services.validation import MAX_NAME, clean_event, fit_json

SOURCE = "zabbix"
# {EVENT.NSEVERITY}: not classified, information, warning, average, high, disaster
SEVERITIES = (
    Severity.INFO,
    Severity.INFO,
    Severity.WARNING,
    Severity.MINOR,
    Severity.MAJOR,
    Severity.CRITICAL,
)
DETAILS = ("event_tags", "event_opdata", "trigger_url", "event_date", "event_time")
FIELD_OF = {
    "node": "host",
    "resource": "trigger",
    "summary": "summary",
    "key": "event_id",
    "severity": "severity",
    "details": "event_tags",
}
MAX_DETAIL = 2048


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    return value.strip() if isinstance(value, str) else ""


def zabbix_event(values: dict[str, Any]) -> dict[str, Any]:
    """The event of a media type's parameters, checked; ``ValidationFailed`` naming the
    parameter. A macro Zabbix left unresolved (``{EVENT.ID}``) is refused by name."""
    errors: dict[str, list[str]] = {}
    event_id = _text(values, "event_id")
    if not event_id.isascii() or not event_id.isdigit() or len(event_id) > 20:
        errors["event_id"] = ["the problem's {EVENT.ID}: digits"]
    status = _text(values, "event_value")
    if status not in ("0", "1"):
        errors["event_value"] = ["{EVENT.VALUE}: 1 (problem) or 0 (recovery)"]
    level = _text(values, "severity")
    if level not in ("0", "1", "2", "3", "4", "5"):
        errors["severity"] = ["{EVENT.NSEVERITY}: a number from 0 to 5"]
    for name in ("host", "trigger", "summary", *DETAILS):
        if values.get(name) is not None and not isinstance(values.get(name), str):
            errors[name] = ["must be text"]
    if errors:
        raise ValidationFailed(errors)
    # a trigger's name with its macros expanded may pass the alert's column: taken, cut there
    # by the ingest, whole in the details (decision 0121)
    trigger = _text(values, "trigger")[:MAX_NAME]
    # each detail within 2 KiB of JSON, so the five together stay within the details' 8 KiB
    # whatever their script or their line breaks
    details = {n: fit_json(values[n], MAX_DETAIL) for n in DETAILS if _text(values, n)}
    event = {
        "source": SOURCE,
        "node": _text(values, "host")[:MAX_NAME],  # as the trigger: cut, not refused
        "resource": trigger,
        "key": event_id,
        "severity": Severity.CLEAR if status == "0" else SEVERITIES[int(level)],
        "summary": (" ".join((_text(values, "summary") or trigger).split()))[:500],
        "details": details,
    }
    try:
        return clean_event(event)
    except ValidationFailed as exc:
        raise ValidationFailed(
            {FIELD_OF.get(field, field): messages for field, messages in exc.fields.items()}
        ) from exc


def zabbix_ingest(actor: Actor, **values: Any) -> Ingested:
    """One Zabbix problem (a new alert or a repeat) or recovery (its clear); a problem
    already recovered is ``ignored``."""
    if not selectors.can_work(actor):  # refused before its parameters are judged
        raise PermissionDenied(gettext(SEND_REFUSED))
    # {EVENT.ID} is one problem: after its recovery, a problem event of it is a retry
    # Zabbix sent before the recovery (its alerters send concurrently and retry), ignored
    return event_ingest(actor, once=True, **zabbix_event(values))
