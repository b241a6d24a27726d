"""Laying out a service map server-side: the CI in the middle, rings by depth, what depends
on it above and what it depends on below. Pure geometry; the template draws the SVG."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from steward.cmdb.choices import STATUS_COLOURS

RING = 150  # pixels between rings
MARGIN = 90


@dataclass
class Node:
    number: str
    name: str
    ci_class: str
    status: str
    colour: str
    x: float
    y: float
    depth: int
    side: str  # "center", "up" or "down"


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    lx: float
    ly: float


@dataclass
class Layout:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]


def _spread(count: int, upper: bool) -> list[float]:
    """Angles for ``count`` nodes over a half circle (upper or lower), away from the ends."""
    start, end = (math.pi, 2 * math.pi) if upper else (0.0, math.pi)
    step = (end - start) / (count + 1)
    return [start + step * (i + 1) for i in range(count)]


def layout(hood: Any) -> Layout:
    """Positions for every node of a ``selectors.Neighbourhood`` and its edges."""
    max_depth = max([n.depth for n in (*hood.up, *hood.down)] or [0])
    radius = RING * max(max_depth, 1)
    size = 2 * (radius + MARGIN)
    cx = cy = size / 2
    center = hood.center
    nodes = {
        center.id: Node(
            center.number,
            center.name,
            center.ci_class.slug,
            center.status,
            STATUS_COLOURS.get(center.status, "#6b7280"),
            cx,
            cy,
            0,
            "center",
        )
    }
    for side, items in (("up", hood.up), ("down", hood.down)):
        by_depth: dict[int, list] = {}
        for item in items:
            by_depth.setdefault(item.depth, []).append(item)
        for depth, ring in by_depth.items():
            ring.sort(key=lambda n: (n.path[:-1], n.ci.name))  # siblings stay together
            for angle, item in zip(_spread(len(ring), side == "up"), ring, strict=True):
                ci = item.ci
                nodes[ci.id] = Node(
                    ci.number,
                    ci.name,
                    ci.ci_class.slug,
                    ci.status,
                    STATUS_COLOURS.get(ci.status, "#6b7280"),
                    round(cx + RING * depth * math.cos(angle), 1),
                    round(cy + RING * depth * math.sin(angle), 1),
                    depth,
                    side,
                )
    edges = []
    for rel in hood.edges:
        a, b = nodes.get(rel.source_id), nodes.get(rel.target_id)
        if a is None or b is None:
            continue
        edges.append(
            Edge(
                a.x,
                a.y,
                b.x,
                b.y,
                rel.type.slug,
                round((a.x + b.x) / 2, 1),
                round((a.y + b.y) / 2, 1),
            )
        )
    return Layout(int(size), int(size), list(nodes.values()), edges)
