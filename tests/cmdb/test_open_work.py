"""The CI page lists the open incidents, problems and changes on the CI, as the reader sees them."""

from __future__ import annotations

from django.test import Client

from steward.changes.models import Change, ChangeCI
from steward.changes.services import change_create
from steward.core.actor import Actor
from steward.incidents.models import Incident
from steward.incidents.services import incident_create
from steward.problems.models import Problem
from steward.problems.services import problem_create
from tests import factories
from tests.cmdb.conftest import make_ci
from tests.query_counts import queries

SYSTEM = Actor.system("tests")


def make_incident(owner, tag):
    return incident_create(SYSTEM, title=f"Incident {tag}", description=tag, caller=owner.username)


def make_problem(tag):
    return problem_create(SYSTEM, title=f"Problem {tag}", description=tag)


def make_change(owner, tag):
    return change_create(SYSTEM, title=f"Change {tag}", description=tag, requester=owner.username)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _incident(owner, ci, tag, **fields):
    incident = make_incident(owner, tag)
    Incident.objects.filter(pk=incident.pk).update(configuration_item=ci, **fields)
    return incident


def _problem(ci, tag, **fields):
    problem = make_problem(tag)
    Problem.objects.filter(pk=problem.pk).update(affected_service=ci, **fields)
    return problem


def _change(owner, ci, tag, impacted=False, **fields):
    change = make_change(owner, tag)
    if impacted:
        change.impacted_services.add(ci)
    else:
        ChangeCI.objects.create(change=change, ci=ci)
    Change.objects.filter(pk=change.pk).update(**fields)
    return change


def test_the_ci_page_links_its_open_incidents_problems_and_changes(db):
    user = factories.agent()
    ci, other = make_ci(name="db-01"), make_ci(name="web-01")
    incident = _incident(user, ci, "on-db")
    _incident(user, ci, "done", status="closed")
    _incident(user, other, "elsewhere")
    problem = _problem(ci, "svc")
    _problem(ci, "old", status="closed")
    change = _change(user, ci, "touching")
    impacting = _change(user, ci, "impacting", impacted=True)
    _change(user, ci, "cancelled", status="cancelled")

    page = _client(user).get(f"/cmdb/cis/{ci.number}/").content.decode()

    assert "Open work on this CI" in page
    assert f'href="/incidents/{incident.number}/"' in page
    assert "Incident on-db" in page
    assert "Incident done" not in page
    assert "Incident elsewhere" not in page
    assert f'href="/problems/{problem.number}/"' in page
    assert "Problem old" not in page
    assert f'href="/changes/{change.number}/"' in page
    assert f'href="/changes/{impacting.number}/"' in page
    assert "Change cancelled" not in page


def test_the_ci_page_says_when_there_is_no_open_work(db):
    user = factories.agent()
    ci = make_ci(name="quiet-01")

    page = _client(user).get(f"/cmdb/cis/{ci.number}/").content.decode()

    assert "No open incidents." in page
    assert "No open problems." in page
    assert "No open changes." in page


def test_open_work_shows_only_records_the_reader_may_see(db):
    home, away = factories.OrganisationFactory(), factories.OrganisationFactory()
    user = factories.agent(organisation=home)
    user.served_organisations.set([home])
    stranger = factories.requester(organisation=away)
    ci = make_ci(name="shared-01")  # of no organisation: every agent sees it
    _incident(stranger, ci, "theirs")
    _incident(factories.requester(organisation=home), ci, "ours")
    _change(stranger, ci, "their-change")

    page = _client(user).get(f"/cmdb/cis/{ci.number}/").content.decode()

    assert "Incident ours" in page
    assert "Incident theirs" not in page
    assert "Change their-change" not in page


def test_open_work_query_count_does_not_grow_with_rows(db):
    user = factories.agent()
    ci = make_ci(name="busy-01")
    client = _client(user)

    def add(n: int) -> None:
        for i in range(n):
            _incident(user, ci, f"i{n}-{i}")
            _problem(ci, f"p{n}-{i}")
            _change(user, ci, f"c{n}-{i}")

    add(1)
    read = lambda: client.get(f"/cmdb/cis/{ci.number}/")  # noqa: E731
    queries(read)
    few = queries(read)
    add(5)
    assert queries(read) == few


def test_open_work_is_cut_at_the_row_limit(db):
    from steward.cmdb.selectors import work

    user = factories.agent()
    ci = make_ci(name="crowded-01")
    for i in range(3):
        _incident(user, ci, f"many-{i}")

    lists = work.open_work(
        ci,
        incidents=Incident.objects.all(),
        problems=Problem.objects.all(),
        changes=Change.objects.all(),
        limit=2,
    )

    incidents = lists[0]
    assert [r.title for r in incidents.rows] == ["Incident many-2", "Incident many-1"]
    assert incidents.more is True
    assert lists[1].rows == []
    assert lists[1].more is False
