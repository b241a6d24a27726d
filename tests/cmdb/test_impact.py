"""Impact analysis in the database: shortest depths and paths through chains, diamonds and
cycles, depth limits, both directions, only through what the actor may see; cross-checked
against a breadth-first search in Python on random graphs."""

from __future__ import annotations

from collections import deque

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from steward.cmdb.models import CIClass, ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.selectors import impact
from steward.core.errors import NotFound, ValidationFailed
from tests import factories
from tests.cmdb.conftest import SYSTEM, clear_graph, graph_examples, limited_agent, make_ci, relate


def graph(n: int, edges: list[tuple[int, int]], kind: str = "depends_on") -> list:
    """``n`` CIs numbered CI9000000.. and ``a depends_on b`` for each (a, b); fast path."""
    server = CIClass.objects.get(slug="server")
    cis = ConfigurationItem.objects.bulk_create(
        [ConfigurationItem(number=f"CI9{i:06d}", name=f"n{i}", ci_class=server) for i in range(n)]
    )
    rel = RelationshipType.objects.get(slug=kind)
    Relationship.objects.bulk_create(
        [Relationship(source=cis[a], target=cis[b], type=rel) for a, b in set(edges) if a != b]
    )
    return cis


def reached(result) -> dict[str, int]:
    return {node.name: node.depth for node in result.nodes}


def test_down_follows_a_chain_with_depths_and_paths(db):
    cis = graph(4, [(0, 1), (1, 2), (2, 3)])

    result = impact(SYSTEM, number=cis[0].number, direction="down")

    assert reached(result) == {"n1": 1, "n2": 2, "n3": 3}
    assert result.nodes[-1].path == [cis[1].number, cis[2].number, cis[3].number]


def test_up_finds_the_business_services_a_failure_hits(db):
    shop = make_ci("business_service", name="Web shop")
    app = make_ci("application", name="shop-app")
    srv = make_ci("server", name="srv")
    relate(shop, app, "depends_on")
    relate(app, srv, "runs_on")

    result = impact(SYSTEM, number=srv.number, direction="up")

    assert reached(result) == {"shop-app": 1, "Web shop": 2}
    assert [n.name for n in result.business_services] == ["Web shop"]
    assert result.nodes[0].via == "runs_on"


def test_part_of_points_from_the_part_to_the_whole(db):
    service = make_ci("business_service", name="payroll")
    app = make_ci("application", name="payroll-app")
    relate(app, service, "part_of")  # the service needs its part

    assert reached(impact(SYSTEM, number=app.number, direction="up")) == {"payroll": 1}
    assert reached(impact(SYSTEM, number=service.number, direction="down")) == {"payroll-app": 1}


def test_a_diamond_reaches_the_bottom_once_at_its_shortest_depth(db):
    cis = graph(5, [(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (0, 4)])

    result = impact(SYSTEM, number=cis[0].number, direction="down")

    assert reached(result) == {"n1": 1, "n2": 1, "n3": 2, "n4": 1}
    assert len(result.nodes) == 4


def test_a_cycle_terminates_and_never_lists_the_start(db):
    cis = graph(3, [(0, 1), (1, 2), (2, 0)])

    result = impact(SYSTEM, number=cis[0].number, direction="down", depth=10)

    assert reached(result) == {"n1": 1, "n2": 2}


def test_the_depth_limit_stops_the_walk(db):
    cis = graph(12, [(i, i + 1) for i in range(11)])

    assert len(impact(SYSTEM, number=cis[0].number, direction="down").nodes) == 6  # default
    assert len(impact(SYSTEM, number=cis[0].number, direction="down", depth=2).nodes) == 2
    assert len(impact(SYSTEM, number=cis[0].number, direction="down", depth=10).nodes) == 10


@pytest.mark.parametrize(
    ("params", "field"),
    [({"depth": 0}, "depth"), ({"depth": 11}, "depth"), ({"direction": "sideways"}, "direction")],
)
def test_bad_parameters_are_422(db, params, field):
    ci = make_ci()

    with pytest.raises(ValidationFailed) as exc:
        impact(SYSTEM, number=ci.number, **params)

    assert field in exc.value.fields


def test_the_walk_never_passes_through_what_the_actor_cannot_see(db):
    home, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    limited = limited_agent(home)
    srv = make_ci("server", name="srv", organisation=home.slug)
    hidden = make_ci("application", name="hidden-app", organisation=other.slug)
    shop = make_ci("business_service", name="shop", organisation=home.slug)
    shared = make_ci("application", name="shared-app")
    relate(hidden, srv, "runs_on")
    relate(shop, hidden, "depends_on")
    relate(shared, srv, "runs_on")

    mine = impact(limited, number=srv.number, direction="up")
    everything = impact(SYSTEM, number=srv.number, direction="up")

    assert reached(mine) == {"shared-app": 1}
    assert reached(everything) == {"hidden-app": 1, "shared-app": 1, "shop": 2}
    with pytest.raises(NotFound):
        impact(limited, number=hidden.number)


def test_requesters_get_no_impact(requester):
    ci = make_ci()

    with pytest.raises(NotFound):
        impact(requester, number=ci.number)


def bfs(n: int, edges: set[tuple[int, int]], start: int, depth: int, up: bool) -> dict[int, int]:
    adjacency: dict[int, set[int]] = {i: set() for i in range(n)}
    for a, b in edges:
        if a != b:
            adjacency[b if up else a].add(a if up else b)
    seen, queue = {start: 0}, deque([start])
    while queue:
        node = queue.popleft()
        if seen[node] == depth:
            continue
        for nxt in adjacency[node]:
            if nxt not in seen:
                seen[nxt] = seen[node] + 1
                queue.append(nxt)
    del seen[start]
    return seen


@graph_examples(25)
@given(
    n=st.integers(min_value=2, max_value=12),
    data=st.data(),
    depth=st.integers(min_value=1, max_value=10),
    up=st.booleans(),
)
def test_the_query_agrees_with_a_breadth_first_search(db, n, data, depth, up):
    clear_graph()
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = set(data.draw(st.lists(pairs, max_size=3 * n)))
    start = data.draw(st.integers(0, n - 1))
    cis = graph(n, list(edges))
    index = {ci.number: i for i, ci in enumerate(cis)}

    result = impact(SYSTEM, number=cis[start].number, direction="up" if up else "down", depth=depth)

    expected = bfs(n, edges, start, depth, up)
    assert {index[node.number]: node.depth for node in result.nodes} == expected
    for node in result.nodes:  # each path is a real walk of the graph, as long as the depth
        hops = [start, *(index[number] for number in node.path)]
        assert len(node.path) == node.depth
        for a, b in zip(hops, hops[1:], strict=False):
            assert ((b, a) if up else (a, b)) in edges


@graph_examples(25)
@given(
    n=st.integers(min_value=2, max_value=10),
    data=st.data(),
    depth=st.integers(min_value=1, max_value=6),
    up=st.booleans(),
)
def test_forward_and_part_of_edges_mixed_agree_with_a_breadth_first_search(db, n, data, depth, up):
    """``part_of`` is walked the other way round (the whole needs its part): in one graph
    with both kinds, the query still agrees with a BFS over "needs" edges."""
    clear_graph()
    triples = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.booleans())
    drawn = {(a, b, w) for a, b, w in data.draw(st.lists(triples, max_size=3 * n)) if a != b}
    start = data.draw(st.integers(0, n - 1))
    cis = graph(n, [])
    kinds = {k.slug: k for k in RelationshipType.objects.filter(slug__in=["runs_on", "part_of"])}
    kind = {True: kinds["part_of"], False: kinds["runs_on"]}
    Relationship.objects.bulk_create(
        [Relationship(source=cis[a], target=cis[b], type=kind[whole]) for a, b, whole in drawn]
    )
    # "a part_of b" means b needs a
    needs = {(b, a) if whole else (a, b) for a, b, whole in drawn}
    index = {ci.number: i for i, ci in enumerate(cis)}

    result = impact(SYSTEM, number=cis[start].number, direction="up" if up else "down", depth=depth)

    expected = bfs(n, needs, start, depth, up)
    assert {index[node.number]: node.depth for node in result.nodes} == expected


@pytest.mark.parametrize("nodes", [False, True])
@pytest.mark.parametrize("direction", ["up", "down"])
def test_each_step_of_the_walk_is_an_index_lookup(db, direction, nodes):
    """The walk must never scan (or copy) the whole relationship table per call: with
    millions of edges that is seconds per impact analysis."""
    from django.db import connection

    from steward.cmdb.selectors import impact_query, relationship_directions

    # enough rows, with statistics, that a planner costs a full scan as what it is
    n = 3000
    cis = graph(n, [(i, (i * 7 + 1) % n) for i in range(n)] + [(i, i + 1) for i in range(n - 1)])
    sql, params = impact_query(
        direction,
        start_id=cis[1].id,
        depth=6,
        types=relationship_directions(),
        served=[1],
        rows=1503,
        nodes=nodes,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        prefix = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(prefix + sql, params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())

    assert "cmdb_relationship" in sql
    assert "Seq Scan on cmdb_relationship" not in plan
    assert "MATERIALIZE" not in plan
    assert not [line for line in plan.splitlines() if line.strip().startswith("SCAN r")]
    assert "relationship_target" in plan or "relationship_unique_triple" in plan, plan
    # the nodes' rows: by primary key, never a scan of the CI table
    assert "Seq Scan on cmdb_configurationitem" not in plan
    assert not [line for line in plan.splitlines() if line.strip().startswith("SCAN c")], plan


@pytest.mark.parametrize("fan", [3, 30])
def test_the_query_count_does_not_grow_with_the_blast_radius(db, fan, django_assert_num_queries):
    """A node is shown with its class: no query per node, in the selector or after it."""
    from django.db import connection

    cis = graph(fan + 1, [(i, 0) for i in range(1, fan + 1)])
    impact(SYSTEM, number=cis[0].number)  # content types and the like cached

    # the relationship types' stamps, the walk from the start's number, and on SQLite the
    # page's node columns (PostgreSQL reads them in the walk: decision 0054)
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3):
        result = impact(SYSTEM, number=cis[0].number)
        shown = [(n.number, n.name, n.ci_class_slug, n.status, n.criticality) for n in result.nodes]
        classes = {n.ci_class_name for n in result.business_services} | {
            n.via for n in result.nodes
        }

    assert len(shown) == fan
    assert classes == {"depends_on"}


def test_impact_nodes_carry_what_the_orm_reads(db):
    """A node is a read-only row joined in the walk: the same values as the CI and its class
    read through the ORM."""
    shop = make_ci("business_service", name="Web shop", criticality=1)
    app = make_ci("application", name="shop-app", status="maintenance")
    srv = make_ci("server", name="srv")
    relate(shop, app, "depends_on")
    relate(app, srv, "runs_on")

    nodes = impact(SYSTEM, number=srv.number, direction="up").nodes
    orm = {ci.id: ci for ci in ConfigurationItem.objects.select_related("ci_class")}

    def seen(ci):
        shown = (ci.number, ci.name, ci.status, ci.criticality, ci.ci_class.slug)
        return (ci.pk, *shown, ci.ci_class.name, ci.get_status_display())

    assert len(nodes) == 2
    assert [
        (
            n.id,
            n.number,
            n.name,
            n.status,
            n.criticality,
            n.ci_class_slug,
            n.ci_class_name,
            n.status_label,
        )
        for n in nodes
    ] == [seen(orm[n.id]) for n in nodes]
    with pytest.raises(AttributeError):
        nodes[0].name = "changed"  # read-only


def layered(widths: list[int]) -> list:
    """Layers of CIs, each CI of a layer depending on every CI of the layer below: the
    last layer's CIs are reached through many parents (many walk rows per CI)."""
    edges, start = [], 0
    for upper, lower in zip(widths, widths[1:], strict=False):
        first_lower = start + upper
        edges += [
            (a, b)
            for a in range(start, start + upper)
            for b in range(first_lower, first_lower + lower)
        ]
        start = first_lower
    return graph(sum(widths), edges)


@pytest.mark.parametrize("limit", [1, 5, 9, 10, 40])
def test_a_page_holds_the_nearest_cis_and_says_whether_there_are_more(db, limit):
    # one root, 4 above it, 5 above each of those (fully connected): 4 at depth 1, 5 at 2
    cis = layered([5, 4, 1])
    root = cis[-1]

    result = impact(SYSTEM, number=root.number, direction="up", limit=limit)

    depths = [n.depth for n in result.nodes]
    assert len(result.nodes) == min(limit, 9)
    assert depths == sorted(depths)  # nearest first
    assert depths[: min(limit, 4)] == [1] * min(limit, 4)  # every depth-1 CI before depth 2
    assert result.truncated == (limit < 9)
    assert result.limit == limit
    for node in result.nodes:
        assert len(node.path) == node.depth
        assert node.path[-1] == node.number


def test_a_page_grows_its_walk_until_it_has_enough_distinct_cis(db):
    """10 CIs above the root, 10 above each of those, 10 above each of those: 210 walk rows
    for 30 CIs. A page of 25 needs 115 rows, more than the walk's first bound (three per
    CI of the page), and still gets the nearest."""
    cis = layered([10, 10, 10, 1])

    result = impact(SYSTEM, number=cis[-1].number, direction="up", limit=25)

    assert [n.depth for n in result.nodes] == [1] * 10 + [2] * 10 + [3] * 5
    assert result.truncated
    everything = impact(SYSTEM, number=cis[-1].number, direction="up", limit=30)
    assert len(everything.nodes) == 30
    assert not everything.truncated


@pytest.mark.parametrize("limit", [0, 5001, "x", True])
def test_a_bad_limit_is_a_422_naming_it(db, limit):
    ci = make_ci("server")
    with pytest.raises(ValidationFailed) as caught:
        impact(SYSTEM, number=ci.number, limit=limit)
    assert "limit" in caught.value.fields


@graph_examples(25)
@given(
    n=st.integers(min_value=2, max_value=14),
    data=st.data(),
    limit=st.integers(min_value=1, max_value=8),
    up=st.booleans(),
)
def test_a_page_agrees_with_a_breadth_first_search(db, n, data, limit, up):
    """A page is the nearest ``limit`` CIs of the BFS: each at its BFS depth, every CI
    nearer than the page's farthest one in it, and ``truncated`` when the BFS has more."""
    clear_graph()
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = set(data.draw(st.lists(pairs, max_size=4 * n)))
    start = data.draw(st.integers(0, n - 1))
    cis = graph(n, list(edges))
    index = {ci.number: i for i, ci in enumerate(cis)}

    result = impact(SYSTEM, number=cis[start].number, direction="up" if up else "down", limit=limit)

    expected = bfs(n, edges, start, 6, up)
    got = {index[node.number]: node.depth for node in result.nodes}
    assert len(got) == min(limit, len(expected))
    assert all(expected[i] == depth for i, depth in got.items())
    farthest = max(got.values(), default=0)
    assert {i for i, depth in expected.items() if depth < farthest} <= set(got)
    assert result.truncated == (len(expected) > limit)


@pytest.mark.parametrize("direction", ["up", "down"])
@pytest.mark.parametrize("limit", [3, 25, 500])
def test_the_walks_of_several_cis_read_together_answer_as_each_alone(
    db, direction, limit, django_assert_num_queries
):
    """``impacts_from`` (a change's CIs, decision 0046): each CI's answer equals
    ``impact_from``'s for it alone, nodes, depths, paths and truncation, when its first walk
    is not enough (a page of 25 above the layered root needs a larger budget) as well."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steward.cmdb.selectors import impact_from, impacts_from, relationship_directions

    cis = layered([10, 10, 10, 1])
    lonely = make_ci("server")
    starts = [cis[-1], cis[12], cis[0], lonely, cis[25], cis[-1]]
    types = relationship_directions()  # a stamp read outside a request: not counted below
    alone, reads = [], []
    for ci in starts:
        with CaptureQueriesContext(connection) as each:
            walk = impact_from(SYSTEM, ci, direction=direction, depth=6, limit=limit, types=types)
            alone.append(walk)
        reads.append(len(each.captured_queries))

    with CaptureQueriesContext(connection) as ctx:
        together, value = impacts_from(
            SYSTEM,
            starts,
            direction=direction,
            depth=6,
            limit=limit,
            types=types,
            also=("SELECT 41 + 1", []),
        )

    def seen(result) -> tuple:
        return (result.start.id, result.truncated, result.nodes)

    assert [seen(r) for r in together] == [seen(r) for r in alone]
    assert value == 42
    # one statement, and again alone each walk whose first read was not enough
    regrown = [n for n in reads if n > 1]
    if limit == 25:  # the layered root's page of 25 needs a larger budget on both databases
        assert regrown, reads
    # (elsewhere a walk may be read again or not: PostgreSQL returns a recursive walk's rows
    # in no set order, so its first rows may repeat CIs reached through several parents)
    assert len(ctx.captured_queries) == 1 + sum(regrown), (reads, ctx.captured_queries)
    assert ctx.captured_queries[0]["sql"].count("WITH RECURSIVE") == len(starts)
    with django_assert_num_queries(0):
        assert impacts_from(SYSTEM, [], direction=direction, depth=6) == ([], None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's join plans")
@pytest.mark.parametrize("off", [("enable_nestloop",), ("enable_nestloop", "enable_hashjoin")])
def test_the_page_does_not_hang_on_how_postgresql_joins_the_walk(db, off):
    """The walk's rows are joined to the CI and class tables for the node columns. With a
    nested loop they keep the walk's order; a hash or merge join (the planner's choice on
    other statistics: a test database whose tables were emptied by deletes chose one) does
    not, and a LIMIT after the join then kept the wrong rows: the start, the CI with the
    highest id here, was cut off and the page answered "not found"."""
    cis = layered([10, 10, 10, 1])
    with connection.cursor() as cursor:
        for setting in off:
            cursor.execute(f"SET LOCAL {setting} = off")

    result = impact(SYSTEM, number=cis[-1].number, direction="up", limit=25)

    assert [n.depth for n in result.nodes] == [1] * 10 + [2] * 10 + [3] * 5
    assert {n.number for n in result.nodes[:20]} == {ci.number for ci in cis[10:30]}
    assert result.truncated
