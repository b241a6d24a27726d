"""Operators read SLA configuration in the Django admin; calendars and policies are edited on
the SLA pages (through the services), and the admin leads an administrator there."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.sla.models import SlaPolicy
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    """An operator of the Django admin (a superuser) who is Steward's administrator."""
    client = Client()
    client.force_login(factories.admin(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("model", "page"),
    [("businesscalendar", "/sla/calendars/new/"), ("slapolicy", "/sla/policies/new/")],
)
def test_add_in_the_admin_takes_an_administrator_to_the_page(administrator, model, page):
    listing = administrator.get(f"/admin/sla/{model}/")
    response = administrator.get(f"/admin/sla/{model}/add/")

    assert f'href="/admin/sla/{model}/add/"'.encode() in listing.content
    assert response.status_code == 302
    assert response["Location"] == page
    assert administrator.get(page).status_code == 200


@pytest.mark.parametrize("role", ["administrator", "none"])
def test_staff_who_are_not_superusers_are_kept_out_of_the_sla_admin(db, role):
    """The Django admin is for superusers only (decision in docs/administration.md): an
    administrator uses the SLA pages, and a staff flag alone opens nothing."""
    client = Client()
    user = factories.admin(is_staff=True) if role == "administrator" else None
    client.force_login(user or factories.UserFactory(is_staff=True))

    response = client.get("/admin/sla/slapolicy/add/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not SlaPolicy.objects.filter(name="x").exists()
    assert client.post("/admin/sla/slapolicy/add/", {"name": "x"}).status_code == 302
    assert not SlaPolicy.objects.filter(name="x").exists()


def test_a_record_links_to_its_page_and_the_admin_does_not_save(administrator, calendar):
    policy = SlaPolicy.objects.get(slug="p1")

    calendars = administrator.get("/admin/sla/businesscalendar/")
    one = administrator.get(f"/admin/sla/slapolicy/{policy.pk}/change/")
    posted = administrator.post(
        f"/admin/sla/slapolicy/{policy.pk}/change/", {"name": "Renamed in the admin"}
    )

    assert f'href="/sla/calendars/{calendar.slug}/edit/"'.encode() in calendars.content
    assert one.status_code == 200
    assert b'href="/sla/policies/p1/edit/"' in one.content
    assert b'name="_save"' not in one.content
    assert posted.status_code == 403
    policy.refresh_from_db()
    assert policy.name == "P1 Critical"
    assert administrator.post(f"/admin/sla/slapolicy/{policy.pk}/delete/").status_code == 403
