"""The Administration entry: one index linking every configuration page, administrators
only; the Django admin for superusers only (a staff flag or the admin role is not enough)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from steward.core.models import User
from tests import factories
from tests.web.conftest import signed_in
from tests.web.html import elements

pytestmark = pytest.mark.django_db

CONFIGURATION = [
    "core:user_list",
    "core:team_list",
    "incidents:category_list",
    "incidents:priority_matrix",
    "incidents:escalation_list",
    "incidents:team_assignment",
    "sla:list",
    "sla:calendar_list",
    "changes:template_list",
    "changes:delegation_list",
    "changes:freezes",
    "mailboxes:list",
    "mailboxes:messages",
]


def test_the_index_links_every_configuration_page_and_each_answers():
    admin = signed_in(factories.admin(username="boss"))
    page = admin.get("/administration/")
    links = {a.attrs["href"] for a in elements(page.content, "a") if a.inside("main")}
    for name in CONFIGURATION:
        assert reverse(name) in links, name
        assert admin.get(reverse(name)).status_code == 200, name
    assert "/admin/" not in links  # not a superuser: no Django admin


def test_a_superuser_also_finds_the_django_admin_there():
    root = signed_in(factories.admin(username="root", is_staff=True, is_superuser=True))
    page = root.get("/administration/")
    assert elements(page.content, "a", href="/admin/")
    assert root.get("/admin/").status_code == 200


@pytest.mark.parametrize("staff", [True, False], ids=["staff", "not-staff"])
def test_an_administrator_who_is_no_superuser_is_kept_out_of_the_django_admin(staff):
    admin = signed_in(factories.admin(username="boss", is_staff=staff))
    response = admin.get("/admin/core/user/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    followed = admin.get("/admin/", follow=True)
    assert followed.redirect_chain[-1][0] == "/"  # signed in already: back home
    assert admin.post("/admin/core/user/add/", {"username": "x"}).status_code == 302
    assert not User.objects.filter(username="x").exists()
