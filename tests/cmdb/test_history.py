"""A CI's past from the audit log: each moment rebuilt, before creation a 404, bad dates 422."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.cmdb import selectors, services
from steward.cmdb.models import Relationship
from steward.cmdb.selectors import history
from steward.cmdb.selectors.past import ci_as_of, parse_as_of
from steward.cmdb.services.bulk import relationships_import
from steward.core.errors import NotFound, ValidationFailed
from tests import factories
from tests.cmdb.conftest import SYSTEM, make_ci
from tests.contract.shape import assert_error


def view(actor, number, at) -> dict:
    """What the as-of selector says, reduced to comparable values."""
    past = ci_as_of(actor, number, at)
    return {
        "name": past.ci.name,
        "attributes": past.ci.attributes,
        "status": past.ci.status,
        "version": past.ci.version,
        "owner_team": past.ci.owner_team.slug if past.ci.owner_team else None,
        "out": sorted((r.type.slug, r.target.number) for r in past.outgoing),
        "in": sorted((r.type.slug, r.source.number) for r in past.incoming),
    }


def moment() -> dt.datetime:
    return timezone.now()


def test_each_moment_of_a_ci_is_rebuilt(admin):
    before_creation = moment()
    app = make_ci("application", name="shop-app")
    db = make_ci("database", name="shop-db")
    srv = make_ci("server", name="srv01", attributes={"os": "linux", "cpu_count": 2})
    t_created = moment()
    team = factories.TeamFactory(name="Ops team")
    services.ci_update(
        admin,
        number=srv.number,
        expected_version=1,
        changes={"attributes": {"cpu_count": 4}, "owner_team": team.slug},
    )
    t_first = moment()
    services.ci_update(
        admin,
        number=srv.number,
        expected_version=2,
        changes={"attributes": {"os": None, "memory_gb": "16"}, "status": "maintenance"},
    )
    t_second = moment()
    runs_on = services.relationship_create(
        admin, source=app.number, target=srv.number, type="runs_on"
    )
    services.relationship_create(admin, source=srv.number, target=db.number, type="depends_on")
    t_related = moment()
    services.relationship_delete(admin, relationship_id=runs_on.id)
    t_unrelated = moment()

    with pytest.raises(NotFound, match="did not exist yet"):
        ci_as_of(admin, srv.number, before_creation)
    assert view(admin, srv.number, t_created) == {
        "name": "srv01",
        "attributes": {"os": "linux", "cpu_count": 2},
        "status": "live",
        "version": 1,
        "owner_team": None,
        "out": [],
        "in": [],
    }
    assert view(admin, srv.number, t_first)["attributes"] == {"os": "linux", "cpu_count": 4}
    assert view(admin, srv.number, t_first)["owner_team"] == team.slug
    assert view(admin, srv.number, t_first)["version"] == 2
    second = view(admin, srv.number, t_second)
    assert second["attributes"] == {"cpu_count": 4, "memory_gb": "16"}
    assert (second["status"], second["version"], second["out"]) == ("maintenance", 3, [])
    related = view(admin, srv.number, t_related)
    assert related["in"] == [("runs_on", app.number)]
    assert related["out"] == [("depends_on", db.number)]
    assert view(admin, app.number, t_related)["out"] == [("runs_on", srv.number)]
    unrelated = view(admin, srv.number, t_unrelated)
    assert (unrelated["in"], unrelated["out"]) == ([], [("depends_on", db.number)])
    assert view(admin, app.number, t_unrelated)["out"] == []


def test_bulk_created_relationships_are_in_the_past_of_both_ends(admin):
    a, b = make_ci("application"), make_ci("server")
    relationships_import(SYSTEM, [(a, b, "runs_on")])

    now = moment()
    assert view(admin, a.number, now)["out"] == [("runs_on", b.number)]
    assert view(admin, b.number, now)["in"] == [("runs_on", a.number)]


def test_a_relationship_to_an_invisible_ci_is_left_out(admin):
    other = factories.OrganisationFactory(slug="elsewhere")
    agent_user = factories.agent()
    agent_user.served_organisations.set([factories.OrganisationFactory(slug="home")])
    from steward.core.actor import Actor

    mine = make_ci("application")
    hidden = make_ci("server", organisation=other.slug)
    services.relationship_create(admin, source=mine.number, target=hidden.number, type="runs_on")

    assert view(Actor(user=agent_user), mine.number, moment())["out"] == []
    assert view(admin, mine.number, moment())["out"] == [("runs_on", hidden.number)]


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-01", "2026-01-01T25:00", "1"])
def test_a_bad_as_of_is_refused_naming_it(raw):
    with pytest.raises(ValidationFailed) as caught:
        parse_as_of(raw)
    assert "as_of" in caught.value.fields


@pytest.mark.parametrize("raw", ["yesterday", "2026-02-30T00:00:00Z", "not a date"])
def test_the_api_answers_422_for_a_bad_as_of(agent_api, raw):
    ci = make_ci()
    for url in (f"/api/v1/cis/{ci.number}", f"/api/v1/cis/{ci.number}/relationships"):
        assert_error(agent_api.get(url, {"as_of": raw}), 422, "validation_error", field="as_of")


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-12:00"])
def test_a_far_as_of_is_422_naming_it(admin_api, value):
    ci = make_ci()
    for path in (f"/api/v1/cis/{ci.number}", f"/api/v1/cis/{ci.number}/relationships"):
        answer = admin_api.get(path, {"as_of": value})
        assert answer.status_code == 422, answer.content
        assert "as_of" in answer.json()["error"]["fields"]


def test_a_near_as_of_still_works(admin_api):
    ci = make_ci()
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).isoformat()
    answer = admin_api.get(f"/api/v1/cis/{ci.number}", {"as_of": later})
    assert answer.status_code == 200, answer.content
    assert answer.json()["number"] == ci.number


def test_the_api_answers_404_before_the_ci_existed(agent_api):
    ci = make_ci()
    response = agent_api.get(f"/api/v1/cis/{ci.number}", {"as_of": "2001-01-01T00:00:00Z"})

    assert_error(response, 404, "not_found")
    assert "did not exist yet" in response.json()["error"]["message"]


def test_the_api_shows_the_past_state_and_relationships(agent_api, admin):
    srv = make_ci("server", name="old-name")
    app = make_ci("application")
    services.relationship_create(admin, source=app.number, target=srv.number, type="runs_on")
    then = moment()
    services.ci_update(admin, number=srv.number, expected_version=1, changes={"name": "new"})

    past = agent_api.get(f"/api/v1/cis/{srv.number}", {"as_of": then.isoformat()})
    now = agent_api.get(f"/api/v1/cis/{srv.number}")
    rels = agent_api.get(f"/api/v1/cis/{srv.number}/relationships", {"as_of": then.isoformat()})

    assert past.status_code == 200, past.content
    assert (past.json()["name"], past.json()["version"]) == ("old-name", 1)
    assert past.json()["as_of"] is not None
    assert (now.json()["name"], now.json()["as_of"]) == ("new", None)
    assert [(r["source"], r["type"]) for r in rels.json()["items"]] == [(app.number, "runs_on")]


# --- property: any sequence of edits, viewed at each step, matches the live state then ---

OPS = st.one_of(
    st.tuples(
        st.just("attributes"),
        st.fixed_dictionaries(
            {},
            optional={
                "cpu_count": st.one_of(st.none(), st.integers(1, 512)),
                "os": st.one_of(st.none(), st.sampled_from(["linux", "windows", "aix"])),
                "fqdn": st.one_of(st.none(), st.text("abc.", min_size=1, max_size=8)),
            },
        ),
    ),
    st.tuples(st.just("name"), st.text("xyz-", min_size=1, max_size=6)),
    st.tuples(st.just("status"), st.sampled_from(["planned", "live", "maintenance"])),
    st.tuples(
        st.just("relate"),
        st.tuples(st.integers(0, 2), st.sampled_from(["runs_on", "depends_on"]), st.booleans()),
    ),
    st.tuples(st.just("unrelate"), st.integers(0, 5)),
)


def live(actor, number) -> dict:
    ci = selectors.ci_get(actor, number=number)
    rels = selectors.ci_relationships(actor, ci)
    return {
        "name": ci.name,
        "attributes": ci.attributes,
        "status": ci.status,
        "version": ci.version,
        "owner_team": None,
        "out": sorted((r.type.slug, r.target.number) for r in rels["outgoing"]),
        "in": sorted((r.type.slug, r.source.number) for r in rels["incoming"]),
    }


def tick(after: dt.datetime) -> None:
    """Wait until the clock has moved past ``after``, so later audit rows are later."""
    while timezone.now() <= after:
        pass


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=8))
def test_the_past_at_each_step_is_the_state_seen_then(db, ops):
    actor = SYSTEM
    ci = make_ci("server")
    others = [make_ci("application"), make_ci("database"), make_ci("server")]
    snapshots = []
    for kind, arg in ops:
        current = selectors.ci_get(actor, number=ci.number)
        try:
            if kind == "attributes":
                services.ci_update(
                    actor,
                    number=ci.number,
                    expected_version=current.version,
                    changes={"attributes": arg},
                )
            elif kind in ("name", "status"):
                services.ci_update(
                    actor, number=ci.number, expected_version=current.version, changes={kind: arg}
                )
            elif kind == "relate":
                index, rel_type, outgoing = arg
                other = others[index].number
                ends = (ci.number, other) if outgoing else (other, ci.number)
                services.relationship_create(actor, source=ends[0], target=ends[1], type=rel_type)
            else:
                found = Relationship.objects.filter(Q(source=ci) | Q(target=ci)).order_by("id")
                if found:
                    target = found[arg % len(found)]
                    services.relationship_delete(actor, relationship_id=target.id)
        except ValidationFailed:
            pass  # a duplicate relationship: refused, and the state is unchanged
        at = timezone.now()
        snapshots.append((at, live(actor, ci.number)))
        tick(at)

    for at, expected in snapshots:
        assert view(actor, ci.number, at) == expected


def test_the_past_relationships_are_capped_as_the_live_ones(agent_api, admin, monkeypatch):
    """The live list answers at most CI_RELATIONSHIPS_MAX (500) relationships, the first by
    type and id; the past one answered all of them, however many a hub CI had. Both are
    bounded alike: the same rows, now and as of now (a cap of 3 stands for 500 here)."""
    from steward.cmdb.selectors import relationships as relationship_selectors

    monkeypatch.setattr(relationship_selectors, "CI_RELATIONSHIPS_MAX", 3)
    hub = make_ci("server")
    for kind in ("runs_on", "depends_on", "runs_on"):
        services.relationship_create(admin, source=make_ci().number, target=hub.number, type=kind)
    services.relationship_create(admin, source=hub.number, target=make_ci().number, type="runs_on")
    url = f"/api/v1/cis/{hub.number}/relationships"

    live = agent_api.get(url).json()["items"]
    past = agent_api.get(url, {"as_of": timezone.now().isoformat()}).json()["items"]

    assert Relationship.objects.count() == 4
    assert len(live) == 3
    assert [r["id"] for r in past] == [r["id"] for r in live]


def test_as_of_query_count_does_not_grow_with_history_or_relationships(agent_api, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ci = make_ci("server", owner_team=factories.TeamFactory().slug)
    services.relationship_create(admin, source=make_ci().number, target=ci.number, type="runs_on")
    url = f"/api/v1/cis/{ci.number}/relationships"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = agent_api.get(url, {"as_of": timezone.now().isoformat()})
        assert response.status_code == 200
        return len(queries)

    count()  # warm caches (content types, the token's last use)
    few = count()
    for i in range(8):
        other = make_ci("application", owner_team=factories.TeamFactory().slug)
        services.relationship_create(admin, source=other.number, target=ci.number, type="runs_on")
        services.ci_update(
            admin, number=ci.number, expected_version=None, changes={"name": f"n{i}"}
        )
    many = count()

    assert many == few
    assert len(agent_api.get(url, {"as_of": timezone.now().isoformat()}).json()["items"]) == 9


def test_the_timeline_names_each_changed_attribute_and_each_link(admin):
    ci = make_ci("server", attributes={"os": "linux", "cpu_count": 2})
    app = make_ci("application")
    services.ci_update(
        admin, number=ci.number, expected_version=1, changes={"attributes": {"cpu_count": 8}}
    )
    services.relationship_create(admin, source=app.number, target=ci.number, type="runs_on")

    related, updated, created = history.ci_timeline(admin, ci)

    assert (related.kind, related.link["source"], related.link["type"]) == (
        "related",
        app.number,
        "runs_on",
    )
    assert [(f.name, f.label, f.old, f.new) for f in updated.fields] == [
        ("attributes.cpu_count", "CPU count", "2", "8")
    ]
    assert created.kind == "created"
    assert ("Class", "Server") in [(f.label, f.new) for f in created.fields]


def test_the_timeline_reads_as_a_person_reads_it(admin):
    team = factories.TeamFactory(name="Platform")
    ci = make_ci("server", status="live")
    services.ci_update(
        admin,
        number=ci.number,
        expected_version=1,
        changes={"status": "maintenance", "owner_team": team.slug, "criticality": 1},
    )

    updated = history.ci_timeline(admin, ci)[0]

    shown = {(f.label, f.old, f.new) for f in updated.fields}
    assert ("Status", "Live", "In maintenance") in shown
    assert ("Owner team", "—", "Platform") in shown
    assert ("Criticality", "3 - Medium", "1 - Critical") in shown
    assert updated.who == str(admin.user)
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}", updated.when)


def test_the_timeline_names_a_devices_reported_software(admin):
    from steward.software import services as software

    ci = make_ci("server")
    office = software.product_create(
        admin, publisher="Microsoft", name="Office", version_family="365"
    )
    zoom = software.product_create(admin, publisher="Zoom", name="Workplace")
    software.device_installations_report(
        admin, device=ci.number, installations=[{"product": office.slug}, {"product": zoom.slug}]
    )
    software.device_installations_report(
        admin, device=ci.number, installations=[{"product": office.slug}]
    )

    removed, installed = history.ci_timeline(admin, ci)[:2]

    # the defect: "Software: [] → [3, 7]", the products' ids
    assert (installed.kind, installed.fields) == ("software", [])
    assert installed.software == {"added": [office, zoom], "removed": []}
    assert removed.software == {"added": [], "removed": [zoom]}
    assert str(office) == "Microsoft Office 365"
