"""The API list's rows rendered by ``steward.api.rows.page_response`` are byte for byte what
django-ninja renders for ``page_of(IncidentOut)`` from the same page (decision 0039)."""

import json

import pytest
from ninja.responses import NinjaJSONEncoder

from steward.api.http import page_of
from steward.api.rows import page_response
from steward.core.actor import Actor
from steward.incidents import selectors
from steward.incidents.schemas import IncidentOut
from tests.conftest import api_client_for
from tests.incidents.test_rows import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def ninja_renders(page) -> str:
    """What ninja's operation does with a returned page: the schema's validation, its
    ``model_dump()`` and its JSON renderer's encoder."""
    dumped = page_of(IncidentOut).model_validate({"items": page.items, "next": page.next})
    return json.dumps(dumped.model_dump(), cls=NinjaJSONEncoder)


@pytest.mark.parametrize("limit", [1, 2, 50])
@pytest.mark.parametrize("queue", ["all", "open", "major"])
def test_the_rows_render_as_ninja_renders_them(world, admin_actor, queue, limit):  # noqa: F811
    page = selectors.incident_list(admin_actor, queue=queue, limit=limit, rows=True)
    assert page.items
    assert all(isinstance(row, dict) for row in page.items)
    if queue == "all":  # every reference and clock shape of the world is on the page
        assert limit == 1 or any(row["sla_clocks"] for row in page.items)
    rendered = page_response(_Response(), IncidentOut, page).content
    assert rendered == ninja_renders(page)


def test_the_api_list_answers_the_same_json(world, admin_user):  # noqa: F811
    api = api_client_for(admin_user)
    body = api.get("/api/v1/incidents", {"limit": 2}).json()
    page = selectors.incident_list(Actor(user=admin_user, channel="api"), limit=2, rows=True)
    expected = json.loads(ninja_renders(page))
    for answer in (body, expected):  # elapsed and time left count from each read's "now"
        for item in answer["items"]:
            for clock in item["sla"]:
                clock.pop("elapsed_seconds"), clock.pop("time_left_seconds")
    assert body == expected
    assert body["next"]


class _Response:
    content: str = ""
