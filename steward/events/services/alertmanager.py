"""Prometheus Alertmanager's own webhook body (version 4) read as events: each alert of a
notification is one event of source ``prometheus`` (docs/events.md, decision 0095 amendment
2). The whole body is checked first, so a bad one writes nothing and its 422 names the
field (``alerts.3.labels``); then each alert is ingested in its own transaction, so one
alert's row lock is never held while another's incident is opened."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Any

from django.utils.translation import gettext

from steward.core.actor import Actor
from steward.core.datetimes import check_bounds
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.events import selectors
from steward.events.choices import Severity
from steward.events.services.ingest import SEND_REFUSED, Ingested, event_ingest
from steward.events.services.validation import MAX_DETAILS_BYTES, MAX_NAME, clean_event

SOURCE = "prometheus"
MAX_ALERTS = 200  # a notification's alerts; webhook_configs' max_alerts (docs/events.md)
MAX_ANNOTATION = 1024  # characters of one annotation kept in the alert's details
MAX_URL = 2048
# the ``severity`` label's values beside Steward's own; any other (or none) is a warning
SEVERITY_ALIASES = {
    "page": Severity.CRITICAL,
    "error": Severity.MAJOR,
    "high": Severity.MAJOR,
    "medium": Severity.MINOR,
    "low": Severity.WARNING,
    "warn": Severity.WARNING,
    "information": Severity.INFO,
    "informational": Severity.INFO,
    "none": Severity.INFO,
}
# which part of an Alertmanager alert each event field is made of, to name it in a 422
FIELD_OF = {
    "node": "labels.instance",
    "resource": "labels.alertname",
    "summary": "annotations.summary",
    "key": "fingerprint",
    "details": "labels",
    "severity": "labels.severity",
    "source": "labels",
}
_PORT = re.compile(r":\d+$")
# RFC 3339 as Go writes it: fractions of up to nine digits (nanoseconds), Z or an offset
_RFC3339 = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|z|[+-]\d\d:\d\d)")


def started_at(alert: dict[str, Any], name: str = "startsAt") -> dt.datetime | None:
    """The alert's ``startsAt``: when Alertmanager says this occurrence began, the same in
    each of its notifications and its resolved one (a new occurrence has a later one). None
    when absent, unreadable or out of bounds (Go's zero time, ``0001-01-01``): the alert is
    then taken in arrival order, never refused for it. ``name``: another of its times
    (``endsAt``), read alike."""
    found = _RFC3339.fullmatch(str(alert.get(name) or "").strip())
    if found is None:
        return None
    micro = ((found[2] or "") + "000000")[:6]  # the databases keep microseconds
    offset = "+00:00" if found[3] in ("Z", "z") else found[3]
    try:
        moment = dt.datetime.fromisoformat(f"{found[1]}.{micro}{offset}")
        return check_bounds("startsAt", moment)
    except (ValueError, ValidationFailed):
        return None


def _one_line(text: str) -> str:
    """Blanks and control characters (a multi-line description) folded to single spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _severity(status: str, labels: dict[str, str]) -> str:
    if status == "resolved":
        return Severity.CLEAR
    value = labels.get("severity", "").strip().lower()
    if value in Severity.values and value != Severity.CLEAR:
        return value
    return SEVERITY_ALIASES.get(value, Severity.WARNING)


def _node(labels: dict[str, str]) -> str:
    """``instance`` without its port (``web01:9100`` → ``web01``), else ``job``; of any
    length, cut at ``MAX_NAME`` (the ingest cuts it to its column, whole in the details;
    beyond that the labels' copy in the details still holds it, decision 0121)."""
    instance = labels.get("instance", "").strip()
    if instance:
        return (_PORT.sub("", instance) or instance)[:MAX_NAME]
    return (labels.get("job", "").strip() or "unknown")[:MAX_NAME]


def _key(alert: dict[str, Any], labels: dict[str, str]) -> str:
    """Alertmanager's fingerprint (a hash of the label set); without one, a hash of the
    labels, so alerts of one name on one host but different labels stay apart. A long one
    (a proxy's own id) is taken as a long name is: cut at ``MAX_NAME``, never refused, as a
    4xx loses the whole notification (decision 0124)."""
    given = alert.get("fingerprint") or ""
    if given:
        return given[:MAX_NAME]
    text = json.dumps(labels, sort_keys=True, ensure_ascii=False)
    return "labels:" + hashlib.sha256(text.encode(errors="replace")).hexdigest()[:32]


def _details(alert: dict[str, Any], labels: dict, annotations: dict) -> dict[str, Any]:
    """What the alert's page shows: labels, annotations (each cut to 1 KiB), times and the
    generator's link; annotations are left out when everything would pass 8 KiB."""
    details: dict[str, Any] = {
        "labels": labels,
        "annotations": {k: v[:MAX_ANNOTATION] for k, v in annotations.items()},
    }
    for name in ("startsAt", "endsAt", "generatorURL"):
        value = alert.get(name)
        if isinstance(value, str) and value:
            details[name] = value[:MAX_URL]
    text = json.dumps(details, ensure_ascii=False, default=str)
    if len(text.encode(errors="replace")) > MAX_DETAILS_BYTES:
        details["annotations"] = {}
    return details


def _event(alert: dict[str, Any]) -> dict[str, Any]:
    labels = alert.get("labels") or {}
    annotations = alert.get("annotations") or {}
    # a name of any length is taken: cut to its column by the ingest, whole in the details
    # (decision 0121); beyond MAX_NAME the labels' copy in the details still holds it
    alertname = labels.get("alertname", "")[:MAX_NAME]
    summary = annotations.get("summary") or annotations.get("description") or alertname
    return {
        "source": SOURCE,
        "node": _node(labels),
        "resource": alertname,
        "key": _key(alert, labels),
        "severity": _severity(alert.get("status", ""), labels),
        "summary": _one_line(summary)[:500],
        "details": _details(alert, labels, annotations),
    }


def _check_shape(index: int, alert: Any) -> dict[str, list[str]]:
    """The service's own checks of what the API's schema also checks (other callers)."""
    where = f"alerts.{index}"
    if not isinstance(alert, dict):
        return {where: ["must be an object"]}
    errors: dict[str, list[str]] = {}
    if alert.get("status") not in ("firing", "resolved"):
        errors[f"{where}.status"] = ["one of firing, resolved"]
    for part in ("labels", "annotations"):
        value = alert.get(part)
        if value is None and part == "annotations":
            continue
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            errors[f"{where}.{part}"] = ["must be an object of text values"]
    if not isinstance(alert.get("fingerprint") or "", str):
        errors[f"{where}.fingerprint"] = ["must be text"]
    return errors


def alertmanager_events(alerts: Any) -> list[dict[str, Any]]:
    """The events of a notification's ``alerts``, checked: ``ValidationFailed`` naming each
    bad field as ``alerts.<index>.<field>``, before anything is written."""
    if not isinstance(alerts, list):
        raise ValidationFailed.one("alerts", "must be a list of alerts")
    if len(alerts) > MAX_ALERTS:
        raise ValidationFailed.one("alerts", f"at most {MAX_ALERTS} alerts in one notification")
    errors: dict[str, list[str]] = {}
    events = []
    for index, alert in enumerate(alerts):
        shape = _check_shape(index, alert)
        if shape:
            errors.update(shape)
            continue
        event = _event(alert)
        if not event["resource"].strip():
            errors[f"alerts.{index}.labels.alertname"] = ["required"]
            continue
        try:
            times = {"started_at": started_at(alert), "ended_at": started_at(alert, "endsAt")}
            events.append({**clean_event(event), **times})
        except ValidationFailed as exc:
            named = dict(FIELD_OF)
            if not alert["labels"].get("instance", "").strip():
                named["node"] = "labels.job"
            for field, messages in exc.fields.items():
                errors[f"alerts.{index}.{named.get(field, field)}"] = messages
    if errors:
        raise ValidationFailed(errors)
    return events


def alertmanager_ingest(actor: Actor, *, alerts: Any) -> list[Ingested]:
    """Each alert of an Alertmanager notification as one event, in order, each in its own
    transaction (``event_ingest``); nothing is written when any alert is bad. Each carries
    its ``startsAt``, so a retried firing that arrives after its resolved one is ignored
    rather than raising the alert again (decision 0121)."""
    if not selectors.can_work(actor):
        raise PermissionDenied(gettext(SEND_REFUSED))
    return [event_ingest(actor, **event) for event in alertmanager_events(alerts)]
