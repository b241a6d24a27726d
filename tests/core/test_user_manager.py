"""The user form's manager: picked by name (it was a username typed from memory)."""

from __future__ import annotations

import pytest

from steward.core.models import User
from tests import factories
from tests.web.conftest import signed_in
from tests.web.html import elements

pytestmark = pytest.mark.django_db

USERS = "/administration/users/"


@pytest.fixture
def admin_web(admin_user):
    return signed_in(admin_user)


def test_the_manager_is_picked_by_name_and_shown_by_name(admin_web):
    """The manager was a username typed from memory; it is a picker by name (the key stays
    the username) and the edit page shows the manager's name."""
    factories.agent(username="bob", first_name="Bob", last_name="Boss")
    ada = factories.requester(username="ada", first_name="Ada", last_name="Lovelace")

    page = admin_web.get(f"{USERS}ada/")
    assert elements(page.content, "input", name="manager_label")[0].attrs["role"] == "combobox"
    version = elements(page.content, "input", name="version")[0].attrs["value"]
    response = admin_web.post(
        f"{USERS}ada/",
        {
            "version": version,
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": ada.email,
            "manager": "bob",
            "manager_label": "Bob Boss",
            "roles": ["requester"],
        },
    )

    assert response.status_code == 303
    assert User.objects.get(username="ada").manager.username == "bob"
    shown = elements(admin_web.get(f"{USERS}ada/").content, "input", name="manager_label")
    assert shown[0].attrs["value"] == "Bob Boss"
