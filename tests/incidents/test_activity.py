"""``GET /incidents/{number}/comments``: the first page as compiled rows for actors who see
every incident equals the model path's page (the same JSON, the same cursor), and the
request runs two statements whatever the page holds (decision 0084; an incident without
comments takes a third: tests/incidents/test_detail_api_direct.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core.errors import NotFound
from steward.core.models import Comment
from steward.core.schemas import CommentOut
from steward.core.services.activity import comment_add
from steward.incidents.selectors import (
    incident_activity_page,
    incident_comment_page,
    incident_ref,
)
from steward.incidents.services import incident_create
from tests import factories
from tests.conftest import api_client_for, as_actor

pytestmark = pytest.mark.django_db

# the stamps, the page of its comments read by the incident's number (the token and the
# actor come from the API's caches)
ACTIVITY = 2


def shown(page) -> list[dict]:
    return [CommentOut.model_validate(item).model_dump(mode="json") for item in page.items]


@pytest.fixture
def talked(agent_actor, requester_user):
    incident = incident_create(as_actor(requester_user), title="Printer jams again")
    first = comment_add(agent_actor, target=incident, body="First look: **tray 2**", internal=True)
    Comment.objects.filter(pk=first.pk).update(author=None)  # a removed author reads as none
    for i in range(4):
        comment_add(agent_actor, target=incident, body=f"note {i}", internal=i % 2 == 1)
    comment_add(as_actor(requester_user), target=incident, body="Still *jams*")
    # two comments at one instant: the id settles their order, on both paths
    Comment.objects.filter(body__in=["note 2", "note 3"]).update(
        created_at=Comment.objects.get(body="note 1").created_at
    )
    return incident


@pytest.mark.parametrize("limit", [None, 1, 2, 3, 6, 7, 500])
@pytest.mark.parametrize("who", ["agent", "admin", "requester"])
def test_the_first_page_equals_the_model_path(talked, agent_actor, requester_user, who, limit):
    actor = {
        "agent": agent_actor,
        "admin": as_actor(factories.admin(username="boss")),
        "requester": as_actor(requester_user),
    }[who]
    rows = incident_activity_page(actor, number=talked.number, limit=limit)
    models = incident_comment_page(actor, incident_ref(actor, number=talked.number), limit=limit)
    assert shown(rows) == shown(models)
    assert rows.next == models.next
    # the rows path ran for those who see everything, the model path for the requester
    assert all(isinstance(item, dict) for item in rows.items) == (who != "requester")
    if rows.next:  # the rows' cursor leads on as the model path's does
        after = incident_activity_page(actor, number=talked.number, cursor=rows.next, limit=limit)
        assert shown(after) == shown(
            incident_comment_page(
                actor, incident_ref(actor, number=talked.number), cursor=models.next, limit=limit
            )
        )
    assert len(shown(rows)) == min(limit or 50, 6 if who != "requester" else 3)


def test_absent_and_invisible_read_alike(talked, agent_actor):
    with pytest.raises(NotFound):
        incident_activity_page(agent_actor, number="INC9999999")
    stranger = as_actor(factories.requester(username="stranger"))
    with pytest.raises(NotFound):
        incident_activity_page(stranger, number=talked.number)


def test_the_activity_request_runs_two_statements(talked, agent_user):
    api = api_client_for(agent_user)
    path = f"/api/v1/incidents/{talked.number}/comments"
    assert api.get(path).status_code == 200  # the first request of a process fills its caches
    for query in ({}, {"limit": 2}):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path, query)
        assert response.status_code == 200
        assert len(captured.captured_queries) == ACTIVITY, [
            q["sql"] for q in captured.captured_queries
        ]
    assert [c["body"] for c in response.json()["items"]] == ["First look: **tray 2**", "note 0"]
    assert response.json()["items"][0]["author"] is None
