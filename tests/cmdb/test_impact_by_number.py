"""``impact`` by number (decision 0054): the walk seeded by the start's number reads ids only
and the page's node columns after; its answers equal ``impact_from``'s, which walks from a
CI already read with the node columns in the walk (the path before 0054), on random graphs
with cycles and both edge directions, for the system and for an agent limited to one
organisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.cmdb.models import CIClass, ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.selectors import impact, impact_from
from steward.core.errors import NotFound
from tests import factories
from tests.cmdb.conftest import SYSTEM, clear_graph, graph_examples, limited_agent, make_ci


def _answer(result) -> tuple:
    nodes = [
        (n.id, n.number, n.name, n.status, n.criticality, n.ci_class_slug, n.ci_class_name)
        + (n.depth, tuple(n.path), n.via)
        for n in result.nodes
    ]
    return result.start.id, result.start.number, nodes, result.truncated, result.limit


@graph_examples(30)
@given(
    n=st.integers(min_value=2, max_value=14),
    data=st.data(),
    depth=st.integers(min_value=1, max_value=6),
    limit=st.integers(min_value=1, max_value=12),
    up=st.booleans(),
    limited=st.booleans(),
)
def test_by_number_answers_as_the_walk_with_node_columns(db, n, data, depth, limit, up, limited):
    clear_graph()
    home, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    classes = list(CIClass.objects.filter(slug__in=["server", "application", "database"]))
    owners = data.draw(st.lists(st.sampled_from([None, home, other]), min_size=n, max_size=n))
    cis = ConfigurationItem.objects.bulk_create(
        [
            ConfigurationItem(
                number=f"CI8{i:06d}",
                name=f"n{i}",
                ci_class=classes[i % len(classes)],
                organisation=owners[i],
                status=["live", "maintenance"][i % 2],
                criticality=i % 4 + 1,
            )
            for i in range(n)
        ]
    )
    kinds = list(RelationshipType.objects.filter(slug__in=["depends_on", "part_of", "runs_on"]))
    edges = data.draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 2)),
            max_size=4 * n,
        )
    )
    Relationship.objects.bulk_create(
        [
            Relationship(source=cis[a], target=cis[b], type=kinds[k])
            for a, b, k in {(a, b, k) for a, b, k in edges if a != b}
        ]
    )
    start = cis[data.draw(st.integers(0, n - 1))]
    actor = SYSTEM
    if limited:
        actor = limited_agent(home)
    direction = "up" if up else "down"
    read = ConfigurationItem.objects.select_related("ci_class").get(pk=start.pk)

    if limited and start.organisation_id == other.id:
        with pytest.raises(NotFound):
            impact(actor, number=start.number, direction=direction, depth=depth, limit=limit)
        return
    by_number = impact(actor, number=start.number, direction=direction, depth=depth, limit=limit)
    walked = impact_from(actor, read, direction=direction, depth=depth, limit=limit)

    assert _answer(by_number) == _answer(walked)


def test_the_start_carries_what_the_pages_show_without_a_query(db, django_assert_num_queries):
    srv = make_ci("server", name="srv-1")
    impact(SYSTEM, number=srv.number)  # the stamps and relationship types cached

    result = impact(SYSTEM, number=srv.number)
    with django_assert_num_queries(0):
        shown = (result.start.number, result.start.name, result.start.status)
        shown += (result.start.ci_class.name, result.start.ci_class.slug, result.start.pk)
    expected = (srv.number, "srv-1", srv.status, srv.ci_class.name, "server", srv.pk)
    assert shown == expected
    with django_assert_num_queries(1):  # any other field: read when first used, as deferred
        assert result.start.description == srv.description


def test_an_absent_or_invisible_start_is_not_found(db, requester):
    home, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    limited = limited_agent(home)
    theirs = make_ci("server", organisation=other.slug)
    ours = make_ci("server", organisation=home.slug)
    shared = make_ci("server")

    for number in ("CI0999999", theirs.number):
        with pytest.raises(NotFound):
            impact(limited, number=number)
    with pytest.raises(NotFound):
        impact(requester, number=shared.number)
    assert impact(limited, number=ours.number).start.pk == ours.pk
    assert impact(limited, number=shared.number).start.pk == shared.pk
    assert impact(SYSTEM, number=theirs.number).start.pk == theirs.pk
