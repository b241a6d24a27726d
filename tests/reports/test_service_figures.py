"""The change, problem and request figures against the rows each test writes."""

from __future__ import annotations

import statistics

from steward.catalog.choices import RequestStatus
from steward.changes.choices import ChangeType, Outcome
from steward.changes.choices import Status as ChangeStatus
from steward.core.choices import Role
from steward.problems.choices import OPEN_STATES
from steward.problems.choices import Status as ProblemStatus
from tests import factories
from tests.factories import records
from tests.reports.conftest import at, in_period
from tests.reports.test_incident_figures import read

CHANGES = [
    # (team, type, created (day), closed (day) or None, outcome)
    ("a", ChangeType.NORMAL, 5, 9, Outcome.SUCCESS),
    ("a", ChangeType.NORMAL, 6, 20, Outcome.FAILED),
    ("a", ChangeType.EMERGENCY, 7, 7, Outcome.BACKED_OUT),
    ("a", ChangeType.EMERGENCY, 12, 13, Outcome.SUCCESS),
    ("a", ChangeType.STANDARD, 14, None, ""),
    ("a", ChangeType.STANDARD, 2, 6, ""),  # raised before the period, closed in it
    ("b", ChangeType.NORMAL, 8, 9, Outcome.SUCCESS),
]


def _changes(world):
    teams = {"a": world.team_a, "b": world.team_b}
    return [
        records.change(
            world.lead,
            at(created),
            team=teams[team],
            type=kind,
            status=ChangeStatus.CLOSED if closed else ChangeStatus.DRAFT,
            closed_at=at(closed) if closed else None,
            outcome=outcome,
        )
        for team, kind, created, closed, outcome in CHANGES
    ]


def test_changes_by_type_and_outcome_with_the_emergency_share(world):
    rows = [c for c in _changes(world) if c.team_id == world.team_a.pk]
    table = read(world.lead, "changes")
    raised_all = sum(in_period(c.created_at) for c in rows)
    assert raised_all == 5
    for row, kind in zip(table.rows, ChangeType, strict=True):
        mine = [c for c in rows if c.type == kind]
        raised = sum(in_period(c.created_at) for c in mine)
        closed = [c for c in mine if in_period(c.closed_at)]
        assert row["type"] == kind.label
        assert row["raised"] == raised
        assert row["raised_percent"] == round(100 * raised / raised_all, 1)
        assert row["closed"] == len(closed)
        for outcome in Outcome:
            assert row[outcome.value] == sum(c.outcome == outcome for c in closed)
        assert row["none"] == sum(c.outcome == "" for c in closed)


def test_a_change_manager_reads_every_teams_changes(world):
    manager = factories.UserFactory(roles=[Role.AGENT, Role.CHANGE_MANAGER])
    rows = _changes(world)
    table = read(manager, "changes")
    assert sum(r["raised"] for r in table.rows) == sum(in_period(c.created_at) for c in rows)
    # but the incidents of teams not theirs stay out of reach
    assert sum(r["opened"] for r in read(manager, "incident-flow").rows) == 0


def test_problems_open_known_errors_opened_and_resolved(world):
    specs = [
        ("a", ProblemStatus.NEW, 5, None),
        ("a", ProblemStatus.KNOWN_ERROR, 1, None),
        ("a", ProblemStatus.KNOWN_ERROR, 10, None),
        ("a", ProblemStatus.RESOLVED, 12, 20),
        ("a", ProblemStatus.CLOSED, 1, 3),
        ("b", ProblemStatus.INVESTIGATING, 6, None),
    ]
    teams = {"a": world.team_a, "b": world.team_b}
    rows = [
        records.problem(
            at(created), team=teams[team], status=status, resolved_at=resolved and at(resolved)
        )
        for team, status, created, resolved in specs
    ]
    mine = [p for p in rows if p.team_id == world.team_a.pk]
    (row,) = read(world.lead, "problems").rows
    assert row == {
        "open": sum(p.status in OPEN_STATES for p in mine),
        "known_errors": sum(p.status == ProblemStatus.KNOWN_ERROR for p in mine),
        "opened": sum(in_period(p.created_at) for p in mine),
        "resolved": sum(in_period(p.resolved_at) for p in mine),
    }
    assert row["open"] == 3


def test_fulfilled_requests_and_their_median_time(world):
    specs = [
        ("a", 5, (5, 15)),
        ("a", 6, (9, 10)),
        ("a", 7, (8, 10)),
        ("b", 7, (20, 10)),
        (None, 8, (9, 12)),
        ("a", 2, (3, 10)),  # completed before the period
    ]
    teams = {"a": world.team_a, "b": world.team_b}
    rows = [
        records.catalog_request(
            world.member,
            at(created, 9),
            team=teams.get(team),
            status=RequestStatus.COMPLETED,
            closed_at=at(*closed),
        )
        for team, created, closed in specs
    ]
    records.catalog_request(world.member, at(6), status=RequestStatus.FULFILMENT)
    for user, team in ((world.admin, None), (world.lead, world.team_a)):
        done = [
            r
            for r, spec in zip(rows, specs, strict=True)
            if in_period(r.closed_at) and (team is None or spec[0] == "a")
        ]
        hours = [(r.closed_at - r.created_at).total_seconds() / 3600 for r in done]
        (row,) = read(user, "requests").rows
        assert row == {
            "fulfilled": len(done),
            "mean_hours": round(statistics.mean(hours), 1),
            "median_hours": round(statistics.median(hours), 1),
        }
