"""The change form's CIs and related incidents, and a freeze window's CI, are chosen by name:
each pick is a chip sending the key (CI or incident number); the names come back on an edit
and after a refused save; the incident suggestions are scoped like every picker's."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from steward.changes.models import Change, FreezeWindow
from steward.core.actor import Actor
from steward.incidents.services import incident_create
from tests import factories
from tests.changes.conftest import PLANS, client_for, local, window

pytestmark = pytest.mark.django_db


def chips(response, name: str) -> list[tuple[str, str]]:
    """(key, label) of each chip of the multi-picker ``name``."""
    text = response.content.decode()
    return re.findall(
        rf'<li class="chip"><span>([^<]*)</span><input type="hidden" name="{name}" value="([^"]*)"',
        text,
    )


@pytest.fixture
def outage(agent_user):
    caller = factories.requester(username="caller1")
    return incident_create(
        Actor.system("tests"), title="Shop checkout down", caller=caller.username
    )


def test_picked_cis_and_incidents_are_saved_by_number(web, stack, outage):
    start, end = window()
    page = web.post(
        "/changes/new/",
        {
            "type": "normal",
            "title": "Patch the shop",
            # two chips and an untouched (empty) box, as the browser sends them
            "cis": [stack["server"].number, stack["app"].number],
            "cis_chosen": [stack["server"].name, stack["app"].name],
            "cis_label": "",
            "incidents": [outage.number],
            "incidents_chosen": [f"{outage.number} {outage.title}"],
            "incidents_label": "",
            "planned_start": local(start),
            "planned_end": local(end),
            **PLANS,
        },
    )

    assert page.status_code == 303, page.content.decode()[:2000]
    change = Change.objects.get()
    assert sorted(change.cis.values_list("number", flat=True)) == sorted(
        [stack["server"].number, stack["app"].number]
    )
    assert list(change.incidents.values_list("number", flat=True)) == [outage.number]


def test_refused_save_keeps_the_chips_with_their_names(web, stack):
    page = web.post(
        "/changes/new/",
        {
            "type": "normal",
            "title": "",  # refused: a title is required
            "cis": [stack["server"].number],
            "cis_chosen": [stack["server"].name],
            "cis_label": "",
        },
    )

    assert page.status_code == 422
    assert chips(page, "cis") == [(stack["server"].name, stack["server"].number)]
    assert not Change.objects.exists()


def test_a_name_typed_but_not_picked_is_refused_by_the_field(web):
    page = web.post(
        "/changes/new/",
        {"type": "normal", "title": "Typed only", "cis_label": "nosuchci", **PLANS},
    )

    assert page.status_code == 422
    assert re.search(r'id="id_cis".*?class="error">[^<]*NOSUCHCI', page.content.decode(), re.S)
    assert not Change.objects.exists()


def test_edit_shows_the_chosen_cis_and_incidents_by_name(web, new_change, stack, outage):
    change = new_change(cis=[stack["server"].number], incidents=[outage.number])

    page = web.get(f"/changes/{change.number}/edit/")

    assert chips(page, "cis") == [(stack["server"].name, stack["server"].number)]
    assert chips(page, "incidents") == [(f"{outage.number} {outage.title}", outage.number)]
    assert 'aria-label="Remove' in page.content.decode()


def test_removing_a_chip_removes_the_ci(web, new_change, stack):
    change = new_change(cis=[stack["server"].number, stack["app"].number])
    edit = web.get(f"/changes/{change.number}/edit/")
    version = re.search(r'name="version" value="(\d+)"', edit.content.decode()).group(1)

    page = web.post(
        f"/changes/{change.number}/edit/",
        {
            "version": version,
            "title": change.title,
            "cis": [stack["app"].number],
            "cis_label": "",
            "incidents_label": "",
            **PLANS,
        },
    )

    assert page.status_code == 303, page.content.decode()[:2000]
    assert list(change.cis.values_list("number", flat=True)) == [stack["app"].number]


def test_incident_suggestions_are_scoped_to_what_the_actor_sees(agent_user, outage):
    other = factories.requester(username="caller2")
    assert re.findall(
        r'data-key="([^"]*)"',
        client_for(agent_user).get("/pick/incident/", {"q": "checkout"}).content.decode(),
    ) == [outage.number]
    # a requester sees only what she raised
    assert b"data-key" not in client_for(other).get("/pick/incident/", {"q": "checkout"}).content


def test_freeze_window_ci_is_picked_and_shown_by_name(cm_web, stack):
    start, end = window()
    page = cm_web.post(
        "/changes/freezes/new/",
        {
            "name": "Shop peak",
            "starts_at": local(start),
            "ends_at": local(end),
            "ci": stack["service"].number,
            "ci_label": stack["service"].name,
            "ci_shown": stack["service"].name,
            "is_active": "on",
        },
    )

    assert page.status_code in (302, 303), page.content.decode()[:2000]
    freeze = FreezeWindow.objects.get(name="Shop peak")
    assert freeze.ci == stack["service"]
    edit = cm_web.get(f"/changes/freezes/{freeze.slug}/")
    assert f'value="{stack["service"].name}"' in edit.content.decode()
    assert 'role="combobox"' in edit.content.decode()


def test_the_calendar_filters_by_a_ci_picked_by_name(web, new_change, stack):
    start, end = window()
    on_server = new_change(
        title="On the server", cis=[stack["server"].number], planned_start=start, planned_end=end
    )
    elsewhere = new_change(
        title="On the app", cis=[stack["app"].number], planned_start=start, planned_end=end
    )
    day = timezone.localtime(start).date().isoformat()

    page = web.get(
        "/changes/calendar/",
        {"date": day, "ci": stack["server"].number, "ci_label": stack["server"].name},
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert on_server.number in text
    assert elsewhere.number not in text
    assert f'value="{stack["server"].name}"' in text  # the box reads the CI's name
    assert 'role="combobox"' in text
    # no script: the number typed in the box filters the same way
    typed = web.get(
        "/changes/calendar/", {"date": day, "ci": "", "ci_label": stack["server"].number}
    )
    assert elsewhere.number not in typed.content.decode()
