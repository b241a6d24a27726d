"""The page an emailed approval link opens shows the change's planned times in the zone of
the person it was sent to (their profile's), signed in or not, not in the server's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from steward.changes.models import Change
from tests.changes.test_approval_link_language import gated, link  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)


def test_the_link_page_shows_the_planned_times_in_the_approvers_zone(gated, settings):  # noqa: F811
    settings.TIME_ZONE = "UTC"
    Change.objects.filter(pk=gated.pk).update(
        planned_start=START, planned_end=START + dt.timedelta(hours=2)
    )
    approval = gated.approvals.get(label="Change Advisory Board")
    first = approval.approvers.order_by("username").first()
    first.time_zone = "Pacific/Auckland"  # UTC+13 in March
    first.language = "en"
    first.save(update_fields=["time_zone", "language"])
    page = Client().get(link(approval, first)).content.decode()
    assert "2 Mar 2026 19:00" in page
    assert "2 Mar 2026 21:00" in page
    assert "06:00" not in page  # the server's (UTC) reading is nowhere
