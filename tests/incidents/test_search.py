"""Full-text search: ranked, over title, description and comments, respecting visibility."""

import pytest

from steward.incidents.selectors import incident_list
from steward.incidents.services import incident_comment, incident_create, search_index
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db(transaction=True)


def numbers(actor, q):
    return [i.number for i in incident_list(actor, q=q).items]


def test_search_ranks_and_matches_prefixes(agent_actor):
    vpn = incident_create(agent_actor, title="VPN disconnects", description="vpn vpn tunnel")
    incident_create(agent_actor, title="Printer jam", description="paper stuck")
    mention = incident_create(agent_actor, title="Laptop slow", description="maybe the vpn")

    assert numbers(agent_actor, "vpn") == [vpn.number, mention.number]
    assert numbers(agent_actor, "disconn") == [vpn.number]
    assert numbers(agent_actor, "print jam") != []
    assert numbers(agent_actor, "nothing-like-this") == []


def test_comments_are_searchable_but_work_notes_only_for_agents(agent_actor):
    caller = factories.requester()
    incident = incident_create(as_actor(caller), title="Outlook crashes")
    incident_comment(agent_actor, number=incident.number, body="Reinstalled officesuite")
    incident_comment(
        agent_actor, number=incident.number, body="suspect zebracorp addin", internal=True
    )

    assert numbers(agent_actor, "officesuite") == [incident.number]
    assert numbers(agent_actor, "zebracorp") == [incident.number]
    assert numbers(as_actor(caller), "officesuite") == [incident.number]
    assert numbers(as_actor(caller), "zebracorp") == []


def test_search_never_shows_invisible_incidents(agent_actor):
    theirs = incident_create(as_actor(factories.requester()), title="Salary spreadsheet")
    mine_caller = factories.requester()
    assert numbers(as_actor(mine_caller), "salary") == []
    assert numbers(agent_actor, "salary") == [theirs.number]


def test_query_syntax_is_inert(agent_actor):
    incident_create(agent_actor, title="quotes and stars")
    for hostile in ['"', "*", "OR AND NOT", "public : x", "');DROP TABLE x;--", "NEAR(a b)"]:
        assert isinstance(numbers(agent_actor, hostile), list)


def test_number_goes_straight_to_the_incident(agent_actor):
    incident = incident_create(agent_actor, title="anything")
    assert numbers(agent_actor, incident.number.lower()) == [incident.number]


def test_reindex_is_idempotent(agent_actor):
    incident = incident_create(agent_actor, title="Keyboard sticky")
    assert search_index.reindex([incident.pk]) == 1
    assert search_index.reindex([incident.pk]) == 1
    assert numbers(agent_actor, "keyboard") == [incident.number]


def test_ranked_results_page_with_a_cursor(agent_actor):
    made = {
        incident_create(
            agent_actor, title=f"disk full on host{i}", description="disk " * (i + 1)
        ).number
        for i in range(5)
    }
    seen, cursor = [], None
    while True:
        page = incident_list(agent_actor, q="disk", limit=2, cursor=cursor)
        seen += [i.number for i in page.items]
        cursor = page.next
        if cursor is None:
            break
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(set(seen))
