"""The freeze-window pages: change managers keep them, agents read them, the form checks the
window."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.changes.models import FreezeWindow
from tests.changes.conftest import (
    local,
    window,
)

pytestmark = pytest.mark.django_db


def test_change_manager_creates_and_edits_a_freeze_window(cm_web):
    start, end = window(days=10)

    created = cm_web.post(
        "/changes/freezes/new/",
        {
            "name": "Black Friday",
            "starts_at": local(start),
            "ends_at": local(end),
            "is_active": "on",
        },
    )
    freeze = FreezeWindow.objects.get()
    listed = cm_web.get("/changes/freezes/")
    edited = cm_web.post(
        f"/changes/freezes/{freeze.slug}/",
        {
            "version": freeze.version,
            "name": "Black Friday weekend",
            "starts_at": local(start),
            "ends_at": local(end + dt.timedelta(days=1)),
            "is_active": "on",
        },
    )

    assert created.status_code == 303
    assert b"Black Friday" in listed.content
    assert b"New freeze window" in listed.content
    assert edited.status_code == 303
    freeze.refresh_from_db()
    assert freeze.name == "Black Friday weekend"
    assert freeze.ends_at == end + dt.timedelta(days=1)


def test_an_agent_may_read_but_not_create_freeze_windows(web):
    start, end = window(days=10)

    page = web.post(
        "/changes/freezes/new/",
        {"name": "Sneaky", "starts_at": local(start), "ends_at": local(end)},
    )

    assert page.status_code == 422
    assert b"Only change managers" in page.content
    assert not FreezeWindow.objects.exists()
    assert b"New freeze window" not in web.get("/changes/freezes/").content


def test_freeze_form_validates_the_window(cm_web):
    start, end = window(days=10)

    page = cm_web.post(
        "/changes/freezes/new/",
        {"name": "Backwards", "starts_at": local(end), "ends_at": local(start)},
    )

    assert page.status_code == 422
    assert b"must be after the start" in page.content
    assert not FreezeWindow.objects.exists()
