"""The change API: lists and filters, records by number, transitions as PATCH, approvals,
conflicts, risk, comments; visibility; query counts; bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from steward.changes.models import Change, ChangeApproval
from steward.changes.services import change_create
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.models import AuditEntry
from tests import factories
from tests.changes.conftest import PLANS, ci, move, scheduled, window
from tests.conftest import api_client_for, as_actor


def iso(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def test_create_get_and_patch_by_number(agent_api, stack):
    start, end = window()
    created = agent_api.post(
        "/api/v1/changes",
        {
            "title": "Replace core switch",
            "cis": [stack["server"].number],
            "planned_start": iso(start),
            "planned_end": iso(end),
            **PLANS,
            "risk_answers": {"outage": "partial"},
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("CHG")
    assert body["impacted_services"] == [stack["service"].number]
    assert body["risk_level"] == "medium"
    assert created["ETag"] == '"1"'

    patched = agent_api.patch(
        f"/api/v1/changes/{body['number']}", {"status": "assessment"}, headers={"If-Match": '"1"'}
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["status"] == "assessment"
    stale = agent_api.patch(
        f"/api/v1/changes/{body['number']}", {"title": "x"}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412


def test_an_illegal_move_is_409_with_allowed_states(agent_api, new_change):
    change = new_change()
    response = agent_api.patch(f"/api/v1/changes/{change.number}", {"status": "closed"})

    assert response.status_code == 409
    assert sorted(response.json()["error"]["allowed"]) == ["assessment", "cancelled"]


def test_a_guard_is_422_naming_the_missing_fields(agent_api, agent_actor, cm, new_change):
    change = new_change(implementation_plan="")
    move(agent_actor, change, "assessment")
    move(agent_actor, change, "authorization")
    approval = Change.objects.get(pk=change.pk).approvals.get()
    from steward.changes.services import approval_decide

    approval_decide(cm, number=change.number, approval_id=approval.pk, decision="approve")

    response = agent_api.patch(f"/api/v1/changes/{change.number}", {"status": "scheduled"})

    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"planned_start", "planned_end", "implementation_plan"} <= set(fields)
    assert Change.objects.get(pk=change.pk).status == "authorization"


def test_scheduling_into_a_freeze_without_override_is_409_listing_it(
    agent_api, agent_actor, cm, new_change, cm_user
):
    start, end = window()
    api = api_client_for(cm_user)
    made = api.post(
        "/api/v1/freeze-windows", {"name": "Year end", "starts_at": iso(start), "ends_at": iso(end)}
    )
    assert made.status_code == 201, made.content
    change = new_change(planned_start=start, planned_end=end)
    move(agent_actor, change, "assessment")
    move(agent_actor, change, "authorization")
    approval = Change.objects.get(pk=change.pk).approvals.get()
    api.post(
        f"/api/v1/changes/{change.number}/approvals/{approval.pk}/decision", {"decision": "approve"}
    )

    refused = agent_api.patch(f"/api/v1/changes/{change.number}", {"status": "scheduled"})
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "schedule_conflict"
    assert error["conflicts"]["freezes"][0]["slug"] == "year-end"
    assert "override_reason" in error["fields"]
    assert Change.objects.get(pk=change.pk).status == "authorization"

    listed = agent_api.get(f"/api/v1/changes/{change.number}/conflicts").json()
    assert [f["slug"] for f in listed["freezes"]] == ["year-end"]
    ok = agent_api.patch(
        f"/api/v1/changes/{change.number}",
        {"status": "scheduled", "override_reason": "Regulatory deadline"},
    )
    assert ok.status_code == 200
    assert ok.json()["schedule_override_reason"] == "Regulatory deadline"


def test_approvals_over_the_api(agent_api, agent_actor, cm_user, new_change):
    change = new_change()
    move(agent_actor, change, "assessment")
    move(agent_actor, change, "authorization")
    cm_api = api_client_for(cm_user)

    (approval,) = agent_api.get(f"/api/v1/changes/{change.number}/approvals").json()
    url = f"/api/v1/changes/{change.number}/approvals/{approval['id']}/decision"
    outsider = agent_api.post(url, {"decision": "approve"})
    decided = cm_api.post(url, {"decision": "approve", "comment": "Go"})
    twice = cm_api.post(url, {"decision": "approve"})
    bad = cm_api.post(url, {"decision": "maybe"})

    assert outsider.status_code == 403
    assert outsider.json()["error"]["fields"]
    assert decided.status_code == 200
    assert decided.json()["state"] == "approved"
    assert decided.json()["decisions"][0]["decided_by"] == cm_user.username
    assert twice.status_code == 409
    assert bad.status_code in (409, 422)
    assert agent_api.get(f"/api/v1/changes/{change.number}").json()["approval_state"] == "approved"


def test_risk_endpoint_explains_the_level(agent_api, new_change):
    change = new_change(risk_answers={"outage": "full", "backout": "impossible"})

    body = agent_api.get(f"/api/v1/changes/{change.number}/risk").json()

    assert body["level"] == "high"
    assert body["score"] == 8
    assert len(body["reasons"]) == 2
    assert {q["slug"] for q in body["questions"]} >= {"outage", "backout"}
    assert "Change Advisory Board" in body["required_approvals"]


def test_comments_on_a_change(agent_api, requester_api, new_change, requester_user):
    change = new_change(requester=requester_user.username)
    agent_api.post(f"/api/v1/changes/{change.number}/comments", {"body": "note", "internal": True})
    agent_api.post(f"/api/v1/changes/{change.number}/comments", {"body": "hello"})

    mine = requester_api.get(f"/api/v1/changes/{change.number}/comments").json()["items"]

    assert [c["body"] for c in mine] == ["hello"]


def test_a_requester_sees_only_changes_they_requested(requester_api, requester_user, new_change):
    theirs = new_change(requester=requester_user.username)
    other = new_change()

    listed = [c["number"] for c in requester_api.get("/api/v1/changes").json()["items"]]
    hidden = requester_api.get(f"/api/v1/changes/{other.number}")
    absent = requester_api.get("/api/v1/changes/CHG9999999")

    assert listed == [theirs.number]
    assert hidden.status_code == 404
    assert hidden.content == absent.content
    assert requester_api.get(f"/api/v1/changes/{other.number}/conflicts").status_code == 404
    assert requester_api.post("/api/v1/changes", {"title": "x"}).status_code == 403


def test_an_agent_limited_to_an_organisation_sees_only_its_changes(new_change):
    home, away = factories.OrganisationFactory(), factories.OrganisationFactory()
    agent = factories.agent(username="limited-agent", organisation=home)
    agent.served_organisations.set([home])
    ours = new_change(requester=factories.requester(organisation=home).username)
    theirs = new_change(requester=factories.requester(organisation=away).username)
    api = api_client_for(agent)

    listed = {c["number"] for c in api.get("/api/v1/changes").json()["items"]}

    assert ours.number in listed
    assert theirs.number not in listed
    assert api.get(f"/api/v1/changes/{theirs.number}").status_code == 404


@pytest.mark.parametrize(
    ("query", "picks"),
    [
        ({"status": "assessment"}, "moved"),
        ({"type": "emergency"}, "emergency"),
        ({"risk": "medium"}, "risky"),
        ({"q": "needle"}, "titled"),
    ],
)
def test_list_filters(agent_api, agent_actor, new_change, query, picks):
    made = {
        "moved": new_change(),
        "emergency": new_change(type="emergency"),
        "risky": new_change(risk_answers={"outage": "full"}),
        "titled": new_change(title="Find the needle"),
    }
    move(agent_actor, made["moved"], "assessment")

    found = [c["number"] for c in agent_api.get("/api/v1/changes", query).json()["items"]]

    assert found == [made[picks].number]


def test_filter_by_ci_team_and_planned_range(agent_api, new_change, stack):
    team = factories.TeamFactory(slug="ops")
    start, end = window(days=10)
    on_ci = new_change(cis=[stack["app"].number])
    of_team = new_change(team="ops")
    planned = new_change(planned_start=start, planned_end=end)
    assert team

    def numbers(**q):
        return [c["number"] for c in agent_api.get("/api/v1/changes", q).json()["items"]]

    assert numbers(ci=stack["app"].number) == [on_ci.number]
    assert numbers(team="ops") == [of_team.number]
    assert numbers(
        planned_after=iso(start - dt.timedelta(hours=1)),
        planned_before=iso(start + dt.timedelta(hours=1)),
    ) == [planned.number]


@pytest.mark.parametrize(
    "query",
    [{"status": "nope"}, {"risk": "huge"}, {"type": "weird"}, {"limit": 0}, {"cursor": "!!"}],
)
def test_bad_list_parameters_are_422(agent_api, query):
    assert agent_api.get("/api/v1/changes", query).status_code == 422


def test_list_query_count_does_not_grow_with_the_page(agent_api, new_change, stack):
    def count(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = agent_api.get("/api/v1/changes", {"limit": limit})
        assert response.status_code == 200
        assert len(response.json()["items"]) == limit
        return len(ctx.captured_queries)

    incident_ci = ci()
    for _ in range(12):
        new_change(cis=[stack["server"].number, incident_ci.number])
    agent_api.get("/api/v1/changes")  # the token's first use writes last_used_at

    assert count(2) == count(12)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "type": "sideways"}, "type"),
        ({"title": "x", "type": "standard"}, "template"),
        ({"title": "x", "cis": ["CI9999999"]}, "cis"),
        ({"title": "x", "incidents": ["INC9999999"]}, "incidents"),
        ({"title": "x", "team": "no-team"}, "team"),
        (
            {
                "title": "x",
                "planned_start": "2020-01-01T10:00:00Z",
                "planned_end": "2020-01-01T12:00:00Z",
            },
            "planned_start",
        ),
        (
            {
                "title": "x",
                "planned_start": "2030-01-01T12:00:00Z",
                "planned_end": "2030-01-01T10:00:00Z",
            },
            "planned_end",
        ),
        ({"title": "x", "planned_start": "2030-01-01T12:00:00"}, "planned_start"),
        ({"title": "x", "bogus": 1}, "bogus"),
    ],
    ids=[
        "empty-title",
        "bad-type",
        "standard-without-template",
        "unknown-ci",
        "unknown-incident",
        "unknown-team",
        "window-in-past",
        "end-before-start",
        "naive-time",
        "unknown-field",
    ],
)
def test_bad_create_input_is_422_naming_the_field_and_writes_nothing(agent_api, payload, field):
    response = agent_api.post("/api/v1/changes", payload)

    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert Change.objects.count() == 0
    assert ChangeApproval.objects.count() == 0


def test_linked_incidents(agent_api, agent_actor):
    from steward.incidents.services import incident_create

    incident = incident_create(agent_actor, title="Switch flapping")
    made = agent_api.post(
        "/api/v1/changes", {"title": "Replace switch", "incidents": [incident.number]}
    )
    assert made.json()["incidents"] == [incident.number]


def test_post_implementation_review(agent_api, agent_actor, cm, new_change):
    start, end = window()
    change = scheduled(agent_actor, cm, new_change(planned_start=start, planned_end=end))
    move(agent_actor, change, "implementation", start_early=True)
    move(agent_actor, change, "failed", outcome="backed_out")
    url = f"/api/v1/changes/{change.number}"

    blocked = agent_api.patch(url, {"status": "closed"})
    reviewed = agent_api.post(
        url + "/review",
        {"outcome": "not_met", "notes": "Disk full", "lessons": "Check space first"},
    )
    closed = agent_api.patch(url, {"status": "closed"})

    assert blocked.status_code == 422
    assert reviewed.status_code == 200, reviewed.content
    assert closed.status_code == 200
    assert closed.json()["review"]["lessons"] == "Check space first"


def test_templates_and_delegations_over_the_api(admin_api, agent_api, agent_user):
    made = admin_api.post("/api/v1/change-templates", {"name": "Restart app pool", **PLANS})
    assert made.status_code == 201
    assert agent_api.post("/api/v1/change-templates", {"name": "x"}).status_code == 403
    change = agent_api.post(
        "/api/v1/changes", {"title": "Restart", "template": made.json()["slug"]}
    )
    assert change.json()["type"] == "standard"
    factories.agent(username="standin2")
    today = dt.date.today()
    delegated = agent_api.post(
        "/api/v1/approval-delegations",
        {
            "delegate": "standin2",
            "starts_on": str(today),
            "ends_on": str(today + dt.timedelta(days=2)),
        },
    )
    assert delegated.status_code == 201, delegated.content
    listed = agent_api.get("/api/v1/approval-delegations").json()["items"]
    assert [d["delegate"] for d in listed] == ["standin2"]
    assert agent_api.delete(f"/api/v1/approval-delegations/{listed[0]['id']}").status_code == 204
    assert as_actor(agent_user)


def test_a_change_links_problems_it_resolves_and_both_pages_show_it(
    agent_api, agent_actor, agent_user
):
    from steward.problems.services import problem_create
    from tests.web.conftest import signed_in

    agent_client = signed_in(agent_user)

    problem = problem_create(agent_actor, title="Switch firmware leaks memory")
    made = agent_api.post("/api/v1/changes", {"title": "Upgrade firmware", "problems": []})
    number = made.json()["number"]

    linked = agent_api.patch(f"/api/v1/changes/{number}", {"problems": [problem.number]})

    assert linked.status_code == 200, linked.content
    assert linked.json()["problems"] == [problem.number]
    entry = AuditEntry.objects.filter(object_id=str(Change.objects.get(number=number).pk)).last()
    assert entry.changes["problems"] == [[], [problem.number]]
    assert problem.number in agent_client.get(f"/changes/{number}/").content.decode()
    assert number in agent_client.get(f"/problems/{problem.number}/").content.decode()


def test_a_problem_the_user_cannot_see_is_refused_naming_problems(agent_api, agent_actor):
    from steward.problems.services import problem_create

    elsewhere = factories.OrganisationFactory(slug="elsewhere")
    problem = problem_create(Actor.system("tests"), title="Theirs", organisation=elsewhere.slug)
    limited = factories.agent(username="limited-cm")
    limited.served_organisations.set([factories.OrganisationFactory(slug="mine")])

    response = api_client_for(limited).post(
        "/api/v1/changes", {"title": "Fix it", "problems": [problem.number]}
    )

    assert response.status_code == 422, response.content
    assert "problems" in response.json()["error"]["fields"]
    assert Change.objects.count() == 0


def _answer_and_statements(api, body: dict) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as ctx:
        created = api.post("/api/v1/changes", body)
    assert created.status_code == 201, created.content
    return created.json(), len(ctx.captured_queries)


def test_the_create_answer_is_what_a_get_shows_without_reading_it_back(
    agent_api, agent_actor, stack
):
    """The answer is built from what the create wrote (no read-back of the change and its
    five relations): the same body as a GET of it; and its statements do not grow with the
    links it writes."""
    from steward.incidents.services import incident_create

    team = factories.TeamFactory(name="Network")
    incident = incident_create(agent_actor, title="Switch flapping")
    start, end = window()
    full = {
        "title": "Replace core switch",
        "cis": [stack["server"].number, stack["app"].number],
        "incidents": [incident.number],
        "team": team.slug,
        "planned_start": iso(start),
        "planned_end": iso(end),
        **PLANS,
        "risk_answers": {"outage": "partial"},
    }
    # first-use caches (the relationship types: a create with a CI)
    _answer_and_statements(agent_api, {"title": "warm", "cis": [stack["app"].number]})

    body, statements = _answer_and_statements(agent_api, full)
    _, bare = _answer_and_statements(agent_api, {"title": "Bare", "cis": [stack["app"].number]})

    assert body == agent_api.get(f"/api/v1/changes/{body['number']}").json()
    assert body["impacted_services"] == [stack["service"].number]
    assert body["risk_reasons"]  # the CI named: the answer knows which CIs the reader sees
    # the writes, the reads that validate and score (none of the questionnaire: cached), and
    # no read-back of the change with its five relations; one fewer since the impact walk
    # reads its nodes' rows in the walk itself (decision 0022); one fewer again since the
    # walk starts from the CI the validation read (decision 0029); one fewer again with the
    # relationship types cached per process under a stamp the request has read (0036); one
    # fewer since the failed changes on the CIs are counted in the walks' statement (0046)
    assert bare == 12, bare
    # the team (1), the incident's lookup and link (2); the second CI's impact walk is in
    # the first one's statement (decision 0046; it was one more before)
    assert statements - bare == 3, (statements, bare)


def test_a_limited_agent_is_not_told_of_a_service_it_may_not_see(new_change):
    """The impacted services come from a walk that sees everything: the create's answer
    names only those its reader may see, as a GET does."""
    home, away = factories.OrganisationFactory(), factories.OrganisationFactory()
    agent = factories.agent(username="limited-creator", organisation=home)
    agent.served_organisations.set([home])
    service = ci("business_service", name="Payroll", organisation=away.slug)
    server = ci("server", name="pay-srv", organisation=home.slug)
    from tests.changes.conftest import relate

    relate(service, server)
    api = api_client_for(agent)

    body, _ = _answer_and_statements(api, {"title": "Patch pay-srv", "cis": [server.number]})

    assert body["impacted_services"] == []
    assert service.number not in str(body)
    assert body == api.get(f"/api/v1/changes/{body['number']}").json()
    assert Change.objects.get(number=body["number"]).impacted_services.get() == service


def test_the_conflicts_endpoint_lists_a_change_awaiting_authorisation(
    agent_api, agent_actor, new_change, stack
):
    """GET /changes/{n}/conflicts read no conflicts for a change overlapping one awaiting
    authorisation (walk38); it lists it now, its status saying it is not yet scheduled."""
    start, end = window()
    waiting = new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)
    move(agent_actor, waiting, "assessment")
    move(agent_actor, waiting, "authorization")
    other = new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)

    listed = agent_api.get(f"/api/v1/changes/{other.number}/conflicts").json()

    assert [(c["number"], c["status"], c["relation"]) for c in listed["changes"]] == [
        (waiting.number, "authorization", "same_ci")
    ]


def test_requesting_authorisation_nobody_may_approve_is_409_naming_approvers(cm_user):
    """The only change manager's own change: with no administrator to stand in, the API
    refuses the move (walk38 skipped the approval and said none was needed)."""
    api = api_client_for(cm_user)
    made = api.post("/api/v1/changes", {"title": "Patch the VM host", **PLANS})
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert api.patch(f"/api/v1/changes/{number}", {"status": "assessment"}).status_code == 200

    refused = api.patch(f"/api/v1/changes/{number}", {"status": "authorization"})

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "no_eligible_approver"
    assert "add another change manager or an administrator" in error["fields"]["approvers"][0]
    assert Change.objects.get(number=number).status == "assessment"


def test_an_administrator_stands_in_over_the_api(cm_user, admin_user):
    api = api_client_for(cm_user)
    number = api.post("/api/v1/changes", {"title": "Patch the VM host", **PLANS}).json()["number"]
    api.patch(f"/api/v1/changes/{number}", {"status": "assessment"})

    moved = api.patch(f"/api/v1/changes/{number}", {"status": "authorization"})

    assert moved.status_code == 200, moved.content
    assert moved.json()["approval_state"] == "pending"
    (approval,) = api.get(f"/api/v1/changes/{number}/approvals").json()
    assert approval["state"] == "pending"
    assert [a["username"] if isinstance(a, dict) else a for a in approval["approvers"]] == [
        admin_user.username
    ]


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/v1/changes", {"title": "x", "cis": ["ci9999999"]}, "cis"),
        (
            "/api/v1/freeze-windows",
            {
                "name": "Peak",
                "starts_at": "2030-01-01T10:00:00Z",
                "ends_at": "2030-01-01T12:00:00Z",
                "ci": "ci9999999",
            },
            "ci",
        ),
    ],
    ids=["change-cis", "freeze-ci"],
)
def test_an_unknown_ci_is_refused_in_plain_words(admin_api, path, payload, field):
    response = admin_api.post(path, payload)

    assert response.status_code == 422, response.content
    assert response.json()["error"]["fields"] == {
        field: [
            # the change's numbers are looked up upper-cased; the freeze's shown as typed
            f"No configuration item is named “{'CI9999999' if field == 'cis' else 'ci9999999'}”."
            " Check the name or number."
        ]
    }


def test_an_unknown_ci_is_refused_in_the_readers_language(agent_actor):
    with translation.override("de"), pytest.raises(ValidationFailed) as refused:
        change_create(agent_actor, title="x", cis=["CI9999999"])

    assert refused.value.fields == {
        "cis": ["Kein Konfigurationselement heißt „CI9999999“. Prüfen Sie Name oder Nummer."]
    }


def test_an_early_start_is_422_naming_start_early_until_confirmed(agent_api, agent_actor, cm):
    start, end = window()
    change = scheduled(
        agent_actor,
        cm,
        change_create(agent_actor, title="Early", planned_start=start, planned_end=end, **PLANS),
    )
    url = f"/api/v1/changes/{change.number}"

    refused = agent_api.patch(url, {"status": "implementation"})
    assert refused.status_code == 422, refused.content
    assert list(refused.json()["error"]["fields"]) == ["start_early"]

    started = agent_api.patch(url, {"status": "implementation", "start_early": True})
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "implementation"
