"""The CSAT report: surveys by month of invitation and team, its figures against a count of
``World``'s rows in Python; a team lead reads their teams', an administrator every team's."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import pytest
from django.test import Client
from django.utils import timezone

from steward.surveys.models import Survey
from tests import factories
from tests.conftest import api_client_for
from tests.reports.conftest import PERIOD, at, in_period

# (team, invited (day, month), rating or None)
SURVEYS = [
    ("a", (5, 1), 5),
    ("a", (6, 1), 4),
    ("a", (9, 1), 2),
    ("a", (12, 1), None),
    ("a", (20, 1), 1),
    ("a", (1, 2), 4),  # the period's last day, February
    ("a", (2, 2), 5),  # after the period
    ("a", (4, 1), 5),  # before the period
    ("b", (7, 1), 3),
    ("b", (8, 1), None),
    (None, (10, 1), 5),  # a record of no team
]


@pytest.fixture
def surveys(world):
    requester = factories.requester(username="rater")
    teams = {"a": world.team_a, "b": world.team_b, None: None}
    made = []
    for n, (team, (day, month), rating) in enumerate(SURVEYS, start=1):
        invited = at(day, 10, month=month)
        made.append(
            Survey.objects.create(
                key=f"test:{n}",
                subject="incident",
                subject_id=n,
                number=f"INC{n:07d}",
                requester=requester,
                team=teams[team],
                invited_at=invited,
                closes_at=invited + timezone.timedelta(days=14),
                rating=rating,
                answered_at=invited if rating else None,
            )
        )
    return made


def expected(surveys, teams: set | None):
    groups = defaultdict(list)
    for s in surveys:
        if not in_period(s.invited_at) or (teams is not None and s.team_id not in teams):
            continue
        month = timezone.localtime(s.invited_at).strftime("%Y-%m")
        groups[(month, s.team.name if s.team else "—")].append(s.rating)
    rows = []
    for (month, team), ratings in sorted(groups.items()):
        answered = [r for r in ratings if r is not None]
        rows.append(
            {
                "month": month,
                "team": team,
                "invited": len(ratings),
                "responses": len(answered),
                "average": round(sum(answered) / len(answered), 2) if answered else None,
                "satisfied_percent": round(100 * sum(r >= 4 for r in answered) / len(answered), 1)
                if answered
                else None,
                "response_rate": round(100 * len(answered) / len(ratings), 1),
            }
        )
    return rows


def read(user, **params):
    scopes = ("read", "admin") if user.is_superuser or user.has_role("admin") else ("read",)
    answer = api_client_for(user, scopes=scopes).get(
        "/api/v1/reports/satisfaction", {**PERIOD, **params}
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["rows"]


def by_key(rows):
    return sorted(rows, key=lambda r: (r["month"], r["team"]))


def test_an_administrator_reads_every_team_and_none(world, surveys):
    assert by_key(read(world.admin)) == expected(surveys, None)
    assert {r["team"] for r in read(world.admin)} == {"Alpha", "Bravo", "—"}


def test_a_team_lead_reads_their_teams_only(world, surveys):
    rows = read(world.lead)
    assert by_key(rows) == expected(surveys, {world.team_a.pk})
    alpha_january = next(r for r in rows if r["month"] == "2026-01")
    # 5, 4, 2, unanswered, 1: four of five answered, mean 3.0, two of four satisfied
    assert (alpha_january["responses"], alpha_january["average"]) == (4, 3.0)
    assert (alpha_january["satisfied_percent"], alpha_january["response_rate"]) == (50.0, 80.0)
    assert read(world.outsider, team="bravo") == expected(surveys, {world.team_b.pk})


def test_a_lead_may_not_name_another_team(world, surveys):
    answer = api_client_for(world.lead).get(
        "/api/v1/reports/satisfaction", {**PERIOD, "team": "bravo"}
    )
    assert (answer.status_code, list(answer.json()["error"]["fields"])) == (422, ["team"])


def test_the_page_and_its_csv_show_the_same_figures(world, surveys):
    client = Client()
    client.force_login(world.lead)
    page = client.get("/reports/satisfaction/", PERIOD)
    assert page.status_code == 200
    assert "Customer satisfaction by month and team" in page.content.decode()
    exported = client.get("/reports/satisfaction.csv", PERIOD).content.decode()
    lines = list(csv.reader(io.StringIO(exported)))
    shown = [["" if v is None else str(v) for v in r.values()] for r in read(world.lead)]
    assert lines[1:] == shown


def test_the_csvs_refusals_all_answer_as_plain_text_naming_the_filter(world, surveys):
    """A download has no form to show a refusal beside: a date that is no date was a plain
    422 naming the filter, a period or team the report refuses the HTML 422 page; now all
    three answer alike."""
    client = Client()
    client.force_login(world.lead)
    refusals = {
        "not-a-date": ({"start": "no"}, "start: "),
        "start-after-end": ({"start": "2026-02-01", "end": "2026-01-05"}, "start: "),
        "other-team": ({**PERIOD, "team": "bravo"}, "team: "),
    }
    for query, said in refusals.values():
        answer = client.get("/reports/satisfaction.csv", query)

        assert answer.status_code == 422
        assert answer["Content-Type"] == "text/plain; charset=utf-8"
        assert answer.content.decode().startswith(said), answer.content[:200]
