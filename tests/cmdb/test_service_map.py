"""The service map's layout: people's words for types and classes, and readable at 50 nodes
(no two texts overlap, nodes keep apart, the map fits a page's width)."""

from __future__ import annotations

import itertools

import pytest

from steward.cmdb.selectors import service_map, servicemap
from tests.cmdb.conftest import SYSTEM, make_ci, relate

pytestmark = pytest.mark.django_db


def _texts(layout: servicemap.Layout) -> list[servicemap.Box]:
    boxes = [box for node in layout.nodes for box in node.boxes()]
    return boxes + [servicemap.Box(e.lx, e.ly, e.label, 10) for e in layout.edges if e.shown]


def _fifty() -> tuple:
    """An application with 12 services depending on it (8 of them needed by 2 storefronts
    each) and 13 VMs it runs on (8 of them on a server each): 50 CIs with long names."""
    hub = make_ci("application", name="payments-gateway-application-primary")
    count = 1
    for i in range(12):
        up = make_ci("business_service", name=f"customer-facing-business-service-{i:02}")
        relate(up, hub, "depends_on")
        count += 1
        if i < 8:
            for j in range(2):
                top = make_ci("business_service", name=f"regional-storefront-{i}-{j}-europe-west")
                relate(top, up, "depends_on")
                count += 1
    for i in range(13):
        vm = make_ci("virtual_machine", name=f"payments-vm-{i:02}.internal.example.com")
        relate(hub, vm, "runs_on")
        count += 1
        if i < 8:
            relate(vm, make_ci("server", name=f"blade-{i:02}-rack-b.example.com"), "runs_on")
            count += 1
    assert count == 50
    return hub


def test_fifty_nodes_have_no_overlapping_texts_and_fit_the_width():
    hub = _fifty()

    drawn = servicemap.layout(service_map(SYSTEM, number=hub.number, depth=2))

    assert len(drawn.nodes) == 50
    assert drawn.width <= 1100  # a page's width: no sideways scrolling, no tiny text
    texts = _texts(drawn)
    for a, b in itertools.combinations(texts, 2):
        assert not a.overlaps(b), (a, b)
    for box in texts:
        left, top, right, bottom = box.bounds
        assert left >= 0, box
        assert right <= drawn.width, box
        assert top >= 0, box
        assert bottom <= drawn.height, box
    for a, b in itertools.combinations(drawn.nodes, 2):
        assert ((a.x - b.x) ** 2 + (a.y - b.y) ** 2) ** 0.5 > a.radius + b.radius + 60
    assert sum(e.shown for e in drawn.edges) >= len(drawn.edges) // 2  # most edges say what
    assert {e.label for e in drawn.edges} == {"depends on", "runs on"}


def test_the_map_uses_names_for_classes_and_cuts_long_names_keeping_them_in_the_title():
    hub = _fifty()

    drawn = servicemap.layout(service_map(SYSTEM, number=hub.number, depth=2))

    node = next(n for n in drawn.nodes if n.number == hub.number)
    assert node.ci_class == "Application"
    assert node.label == "payments-gate…-primary"  # start and end kept: "-01" vs "-02"
    assert len(node.label) <= servicemap.LABEL_CHARS
    services = [n.label for n in drawn.nodes if n.name.startswith("customer-facing")]
    assert len(set(services)) == 12  # names that differ only at the end stay told apart
    classes = {n.ci_class for n in drawn.nodes}
    assert classes == {"Application", "Business service", "Virtual machine", "Server"}


def test_dependents_are_drawn_above_and_dependencies_below(db):
    shop = make_ci("business_service", name="Web shop")
    app = make_ci("application", name="shop-app")
    srv = make_ci("server", name="srv01")
    relate(shop, app)
    relate(app, srv, "runs_on")

    drawn = servicemap.layout(service_map(SYSTEM, number=app.number))

    y = {n.name: n.y for n in drawn.nodes}
    assert y["Web shop"] < y["shop-app"] < y["srv01"]
    (edge,) = [e for e in drawn.edges if e.label == "runs on"]
    assert edge.title == "shop-app runs on srv01"
    assert edge.y1 < edge.y2  # from the app down to the server it runs on


def _node_box(node: servicemap.Node) -> tuple[float, float, float, float]:
    """The circle and both labels of a node, as one rectangle."""
    parts = [(node.x - node.radius, node.y - node.radius, node.x + node.radius, node.y + 1)]
    parts += [box.bounds for box in node.boxes()]
    return (
        min(p[0] for p in parts),
        min(p[1] for p in parts),
        max(p[2] for p in parts),
        max(p[3] for p in parts),
    )


def _through(p, q, box) -> bool:
    steps = int(max(abs(q[0] - p[0]), abs(q[1] - p[1]), 1))
    for i in range(steps + 1):
        x, y = p[0] + (q[0] - p[0]) * i / steps, p[1] + (q[1] - p[1]) * i / steps
        if box[0] + 1 < x < box[2] - 1 and box[1] + 1 < y < box[3] - 1:
            return True
    return False


def test_fifty_nodes_no_line_passes_through_another_node():
    hub = _fifty()

    drawn = servicemap.layout(service_map(SYSTEM, number=hub.number, depth=2))

    boxes = {n.number: _node_box(n) for n in drawn.nodes}
    crossing = []
    for edge in drawn.edges:
        points = [tuple(map(float, p.split(","))) for p in edge.points.split()]
        assert points[0] == (edge.x1, edge.y1)
        assert points[-1] == (edge.x2, edge.y2)
        for p, q in itertools.pairwise(points):
            crossing += [
                (edge.title, number)
                for number, box in boxes.items()
                if number not in (edge.source, edge.target) and _through(p, q, box)
            ]
    assert not crossing, crossing[:3]
