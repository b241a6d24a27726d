"""What the problem page offers comes from ``problem_capabilities``: agents edit, link and
move a problem until it is final, and unlink and add notes at any time; nobody else acts."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.problems.selectors import problem_capabilities
from steward.problems.services import problem_update
from tests.web.html import elements


def move(actor, problem, status, **extra):
    return problem_update(
        actor, number=problem.number, expected_version=None, changes={"status": status, **extra}
    )


def test_an_agent_works_a_new_problem_but_cannot_publish_it_yet(agent_actor, make_problem):
    can = problem_capabilities(agent_actor, make_problem())

    assert (can.can_edit, can.can_link, can.can_unlink, can.can_comment) == (True,) * 4
    assert not can.can_publish_known_error
    assert [(m.target, m.label) for m in can.moves] == [
        ("investigating", "Start investigation"),
        ("cancelled", "Cancel"),
    ]


def test_an_investigated_problem_offers_publishing_as_the_main_move(agent_actor, make_problem):
    problem = move(agent_actor, make_problem(), "investigating")

    can = problem_capabilities(agent_actor, problem)

    assert can.can_publish_known_error
    assert {m.target for m in can.moves if m.primary} == {"known_error", "resolved"}


@pytest.mark.parametrize("final", ["cancelled", "closed"])
def test_a_final_problem_offers_no_edit_link_or_move(agent_actor, make_problem, final):
    problem = make_problem()
    if final == "closed":
        problem = move(agent_actor, problem, "investigating")
        problem = move(agent_actor, problem, "resolved", root_cause="x", resolution_notes="y")
    problem = move(agent_actor, problem, final)

    can = problem_capabilities(agent_actor, problem)

    assert (can.can_edit, can.can_link, can.moves) == (False, False, ())
    assert can.can_unlink
    assert can.can_comment


def test_a_requester_may_do_nothing(requester_actor, make_problem):
    can = problem_capabilities(requester_actor, make_problem())

    assert not any((can.can_edit, can.can_link, can.can_unlink, can.can_comment, can.moves))


def test_a_cancelled_problem_page_shows_neither_the_edit_nor_the_link_form(
    agent_user, agent_actor, make_problem
):
    problem = make_problem()
    client = Client()
    client.force_login(agent_user)
    assert elements(
        client.get(f"/problems/{problem.number}/").content,
        "form",
        action=f"/problems/{problem.number}/edit/",
    )  # control: an open problem has the form
    problem = move(agent_actor, problem, "cancelled")

    page = client.get(f"/problems/{problem.number}/").content

    assert not elements(page, "form", action=f"/problems/{problem.number}/edit/")
    assert not elements(page, "form", action=f"/problems/{problem.number}/link/")
    assert b"Cancelled: nothing more to do." in page
