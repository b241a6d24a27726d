"""Operators read problems in the Django admin; every write goes through the services, so
the admin offers no add, change or delete."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def operator(db):
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def test_operators_list_and_read_problems(operator, make_problem):
    problem = make_problem("Printer spooler hangs")

    listing = operator.get("/admin/problems/problem/")
    one = operator.get(f"/admin/problems/problem/{problem.pk}/change/")

    assert listing.status_code == 200
    assert problem.number.encode() in listing.content
    assert one.status_code == 200
    assert b'name="_save"' not in one.content  # shown, not editable


def test_the_admin_cannot_add_change_or_delete_a_problem(operator, make_problem):
    problem = make_problem()

    assert operator.get("/admin/problems/problem/add/").status_code == 403
    assert operator.post(f"/admin/problems/problem/{problem.pk}/delete/").status_code == 403
    response = operator.post(
        f"/admin/problems/problem/{problem.pk}/change/", {"title": "Renamed in the admin"}
    )
    problem.refresh_from_db()
    assert response.status_code == 403
    assert problem.title != "Renamed in the admin"
