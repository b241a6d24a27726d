"""The service map: a CI's neighbourhood (two impact walks and one edge query), laid out
server-side in layers: what depends on the CI above it, what it depends on below, one row
per hop (wrapped into several rows when a hop is wide). The layout is pure geometry: every
label is given a box, no two boxes overlap (an edge label that would is left to its line's
tooltip), and the template draws the SVG.

Every row sits on one grid of columns, so the gutters between columns and the aisles
between rows are free of nodes and their labels; a relationship leaves its node sideways
into a gutter, runs along gutters and one aisle, and enters the other node from the side.
A straight line from a wrapped row crossed the rows between (issue 11)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from steward.cmdb.choices import STATUS_COLOURS, Direction, shown_name
from steward.cmdb.models import ConfigurationItem, Relationship
from steward.cmdb.selectors.impact import ImpactNode, impact
from steward.cmdb.selectors.relationships import relationship_visible
from steward.core.actor import Actor

MAP_MAX_NODES = 120


@dataclass
class Neighbourhood:
    """A CI, what reaches it (``up``) and what it reaches (``down``), and the visible
    relationships among all of them."""

    center: ConfigurationItem
    up: list[ImpactNode]
    down: list[ImpactNode]
    edges: list[Relationship]


def service_map(actor: Actor, *, number: str, depth: int = 2) -> Neighbourhood:
    """The neighbourhood a service map draws: two impact walks and one edge query."""
    # a page of the nearest: the map draws at most MAP_MAX_NODES a side
    page = MAP_MAX_NODES + 1
    up = impact(actor, number=number, direction=Direction.UP, depth=depth, limit=page)
    down = impact(actor, number=number, direction=Direction.DOWN, depth=depth, limit=page)
    seen = {up.start.id}
    up_nodes = [n for n in up.nodes[:MAP_MAX_NODES] if n.id not in seen]
    seen |= {n.id for n in up_nodes}
    down_nodes = [n for n in down.nodes[:MAP_MAX_NODES] if n.id not in seen]
    seen |= {n.id for n in down_nodes}
    edges = list(
        relationship_visible(actor)
        .filter(source_id__in=seen, target_id__in=seen)
        .select_related("type")
        .order_by("id")[: MAP_MAX_NODES * 4]
    )
    return Neighbourhood(center=up.start, up=up_nodes, down=down_nodes, edges=edges)


COLUMN = 165  # pixels per node across: a label of LABEL_CHARS fits with room to spare
ROW = 150  # pixels between rows
PER_ROW = 6  # nodes per row before a hop wraps onto another row
MARGIN = 40
LABEL_CHARS = (
    22  # a longer name is cut in the middle with "…"; the full name is in the node's <title>
)
RADIUS, CENTER_RADIUS = 18, 26
CHAR_WIDTH = {11: 6.6, 9: 5.4, 10: 6.0}  # generous average glyph widths by font size
GREY = "#6b7280"


@dataclass
class Box:
    """A text's extent on the map (``x`` its middle, ``y`` its baseline)."""

    x: float
    y: float
    text: str
    size: int

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        half = len(self.text) * CHAR_WIDTH[self.size] / 2
        return (self.x - half, self.y - self.size, self.x + half, self.y + 3)

    def overlaps(self, other: Box) -> bool:
        a, b = self.bounds, other.bounds
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@dataclass
class Node:
    number: str
    name: str
    label: str  # the name as shown, cut to LABEL_CHARS
    ci_class: str  # the class's name, as people say it
    status: str
    colour: str
    x: float
    y: float
    depth: int
    side: str  # "center", "up" or "down"
    radius: int = RADIUS

    def boxes(self) -> list[Box]:
        return [
            Box(self.x, self.y + self.radius + 16, self.label, 11),
            Box(self.x, self.y + self.radius + 28, self.ci_class, 9),
        ]


@dataclass
class Edge:
    x1: float  # where the line leaves the source and enters the target
    y1: float
    x2: float
    y2: float
    label: str  # the relationship type's name: "runs on"
    title: str  # "shop-app runs on srv01", the line's tooltip
    lx: float
    ly: float
    shown: bool  # whether the label is drawn (False: it would overlap another text)
    source: str = ""  # the two ends' numbers and names: the list under the map
    target: str = ""
    source_name: str = ""
    target_name: str = ""
    points: str = ""  # the route, "x,y x,y ...", for an SVG polyline


# the aisle between two rows: clear of the upper row's labels and the lower row's circles
AISLE = ROW - 60
LANES = 5  # lines sharing an aisle are spread over this many lanes, LANE apart
LANE = 5


@dataclass
class Layout:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]


def _cut(name: str) -> str:
    """A long name keeps its start and its end (where "-01" and "-02" differ)."""
    if len(name) <= LABEL_CHARS:
        return name
    tail = (LABEL_CHARS - 1) * 2 // 5
    return name[: LABEL_CHARS - 1 - tail].rstrip() + "…" + name[-tail:].lstrip()


def _node(ci: Any, x: float, y: float, depth: int, side: str) -> Node:
    return Node(
        ci.number,
        ci.name,
        _cut(ci.name),
        shown_name(ci.ci_class_name if isinstance(ci, ImpactNode) else ci.ci_class.name),
        ci.status,
        STATUS_COLOURS.get(ci.status, GREY),
        round(x, 1),
        round(y, 1),
        depth,
        side,
        CENTER_RADIUS if side == "center" else RADIUS,
    )


def _rows(hood: Any) -> list[tuple[str, int, list[Any]]]:
    """(side, depth, CIs) per row, top to bottom; a wide hop wraps, its outer rows outside."""
    rows: list[tuple[str, int, list[Any]]] = []
    for side, items in (("up", hood.up), ("down", hood.down)):
        by_depth: dict[int, list[Any]] = {}
        for item in items:
            by_depth.setdefault(item.depth, []).append(item)
        side_rows = []
        for depth in sorted(by_depth):
            hop = sorted(by_depth[depth], key=lambda n: (n.path[:-1], n.name))
            # siblings stay together; a wide hop wraps onto further rows
            side_rows.extend(
                (side, depth, hop[i : i + PER_ROW]) for i in range(0, len(hop), PER_ROW)
            )
        rows.extend(reversed(side_rows) if side == "up" else side_rows)
        if side == "up":
            rows.append(("center", 0, [hood.center]))
    return rows


def _edge(rel: Any, a: Node, b: Node, lane: int) -> Edge:
    """The route from ``a`` (source) to ``b`` (target) through gutters and an aisle: out of
    ``a``'s side facing ``b`` into the gutter there, along it to the aisle beside ``b``'s
    row (below a row above, above a row below), across to the gutter on ``b``'s side
    facing ``a``, and into ``b`` from that side. The label sits on the last stretch, beside
    ``b``, where no node's text is."""
    side_a = 1 if b.x > a.x else -1  # the side of each facing the other (left when in line)
    side_b = -1 if b.x >= a.x else 1
    gutter_a, gutter_b = a.x + side_a * COLUMN / 2, b.x + side_b * COLUMN / 2
    offset = (lane % LANES - LANES // 2) * LANE
    aisle = b.y - AISLE + offset if b.y > a.y else b.y + AISLE + offset
    start = (a.x + side_a * a.radius, a.y)
    end = (b.x + side_b * (b.radius + 4), b.y)
    route = [start, (gutter_a, a.y), (gutter_a, aisle), (gutter_b, aisle), (gutter_b, b.y), end]
    label = shown_name(rel.type.name).lower()
    return Edge(
        round(start[0], 1),
        round(start[1], 1),
        round(end[0], 1),
        round(end[1], 1),
        label,
        f"{a.name} {label} {b.name}",
        round((gutter_b + end[0]) / 2, 1),
        round(b.y - 5, 1),
        True,
        a.number,
        b.number,
        a.name,
        b.name,
        " ".join(f"{round(x, 1)},{round(y, 1)}" for x, y in route),
    )


def layout(hood: Any) -> Layout:
    """Positions for every node of a ``selectors.Neighbourhood`` and its edges."""
    rows = _rows(hood)
    across = max(len(cis) for _side, _depth, cis in rows)
    width = 2 * MARGIN + COLUMN * max(across, 3)
    nodes: dict[int, Node] = {}
    for index, (side, depth, cis) in enumerate(rows):
        y = MARGIN + CENTER_RADIUS + ROW * index
        # on the grid's columns (not centred by half a column): the gutters stay clear
        left = MARGIN + COLUMN * ((max(across, 3) - len(cis)) // 2)
        for column, ci in enumerate(cis):
            nodes[ci.id] = _node(ci, left + COLUMN * (column + 0.5), y, depth, side)
    taken = [box for node in nodes.values() for box in node.boxes()]
    edges = []
    for rel in hood.edges:
        a, b = nodes.get(rel.source_id), nodes.get(rel.target_id)
        if a is None or b is None:
            continue
        edge = _edge(rel, a, b, len(edges))
        box = Box(edge.lx, edge.ly, edge.label, 10)
        edge.shown = not any(box.overlaps(other) for other in taken)
        if edge.shown:
            taken.append(box)
        edges.append(edge)
    height = 2 * MARGIN + CENTER_RADIUS + ROW * (len(rows) - 1) + RADIUS + 40
    return Layout(int(width), int(height), list(nodes.values()), edges)
