"""Event routes: monitoring sends events in; agents list, read, acknowledge and close the
alerts they make. Thin: the services and selectors do the work."""

from __future__ import annotations

from contextlib import suppress

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from steward.api.http import create_with_key, expected_version, page_of, tag
from steward.core.errors import NotFound
from steward.events import selectors, services
from steward.events.filters import AlertFilters, WindowFilters
from steward.events.schemas import (
    AlertmanagerIn,
    AlertmanagerOut,
    AlertOut,
    EventIn,
    EventOut,
    WindowCreateIn,
    WindowOut,
    WindowPatchIn,
    ZabbixIn,
)

events = Router(tags=["events"])
alerts = Router(tags=["events"])
windows = Router(tags=["events"])


@events.post("", response={200: EventOut, 201: EventOut})
def ingest_event(request: HttpRequest, payload: EventIn):
    """One monitoring event: 201 when it raised a new alert, 200 when it repeated or
    cleared a live one (or cleared nothing: ``ignored``)."""
    done = services.event_ingest(request.actor, **payload.dict())
    return _answer(request, done)


def _answer(request: HttpRequest, done: services.Ingested):
    alert = None
    if done.alert is not None:
        # the sender may see what it joined (its organisation scope is in the fingerprint,
        # decision 0095); kept as a guard: an alert it may not see is never shown
        with suppress(NotFound):
            alert = selectors.alert_get(request.actor, pk=done.alert.pk)
    return (201 if done.outcome == "created" else 200), {"outcome": done.outcome, "alert": alert}


@events.post("/alertmanager", response={200: AlertmanagerOut})
def ingest_alertmanager(request: HttpRequest, payload: AlertmanagerIn):
    """Prometheus Alertmanager's webhook body (version 4), each alert one event: 200 with
    each alert's outcome; a bad body is a 422 naming the field and writes nothing."""
    sent = [alert.dict() for alert in payload.alerts]
    done = services.alertmanager_ingest(request.actor, alerts=sent)
    results = [{"outcome": d.outcome, "alert": d.alert.pk if d.alert else None} for d in done]
    return 200, {"alerts": results}


@events.post("/zabbix", response={200: EventOut, 201: EventOut})
def ingest_zabbix(request: HttpRequest, payload: ZabbixIn):
    """A Zabbix webhook media type's parameters: as ``POST /events``, 201 for a new alert,
    200 for a repeat, a recovery (``closed``) or a recovery of nothing (``ignored``)."""
    done = services.zabbix_ingest(request.actor, **payload.dict())
    return _answer(request, done)


@alerts.get("", response=page_of(AlertOut))
def list_alerts(request: HttpRequest, filters: Query[AlertFilters]):
    """Alerts, the latest activity first; by default the live ones (open or acknowledged)."""
    return selectors.alert_list(request.actor, **filters.dict())


@alerts.get("/{id}", response=AlertOut)
def get_alert(request: HttpRequest, id: str):  # noqa: A002 - the URL's name
    return selectors.alert_get(request.actor, pk=id)


@alerts.post("/{id}/acknowledge", response=AlertOut)
def acknowledge_alert(request: HttpRequest, id: str):  # noqa: A002 - the URL's name
    services.alert_acknowledge(request.actor, pk=id)
    return selectors.alert_get(request.actor, pk=id)


@alerts.post("/{id}/close", response=AlertOut)
def close_alert(request: HttpRequest, id: str):  # noqa: A002 - the URL's name
    services.alert_close(request.actor, pk=id)
    return selectors.alert_get(request.actor, pk=id)


@windows.get("", response=page_of(WindowOut))
def list_windows(request: HttpRequest, filters: Query[WindowFilters]):
    """Manual maintenance windows, the latest start first (decision 0105)."""
    return selectors.window_list(request.actor, **filters.dict())


@windows.post("", response={201: WindowOut})
def create_window(request: HttpRequest, response: HttpResponse, payload: WindowCreateIn):
    """A window over CIs and/or a node pattern: alerts in it open no incident."""
    window = create_with_key(
        request,
        scope="maintenance-windows",
        data=payload.dict(exclude_unset=True),
        create=services.window_create,
        visible=selectors.window_visible,
    )
    return 201, tag(response, selectors.window_get(request.actor, pk=window.pk))


@windows.get("/{id}", response=WindowOut)
def get_window(request: HttpRequest, response: HttpResponse, id: str):  # noqa: A002
    return tag(response, selectors.window_get(request.actor, pk=id))


@windows.patch("/{id}", response=WindowOut)
def patch_window(
    request: HttpRequest,
    response: HttpResponse,
    id: str,
    payload: WindowPatchIn,  # noqa: A002
):
    services.window_update(
        request.actor,
        pk=id,
        expected_version=expected_version(request, payload.version),
        changes=payload.dict(exclude_unset=True, exclude={"version"}),
    )
    return tag(response, selectors.window_get(request.actor, pk=id))


@windows.post("/{id}/end", response=WindowOut)
def end_window(request: HttpRequest, response: HttpResponse, id: str):  # noqa: A002
    """End a window in force now (409 when it is over or has not started; ``If-Match``)."""
    services.window_end(request.actor, pk=id, expected_version=expected_version(request, None))
    return tag(response, selectors.window_get(request.actor, pk=id))


@windows.delete("/{id}", response={204: None})
def delete_window(request: HttpRequest, id: str):  # noqa: A002 - the URL's name
    services.window_delete(request.actor, pk=id, expected_version=expected_version(request, None))
    return 204, None


ROUTERS = [("events", events), ("alerts", alerts), ("maintenance-windows", windows)]
