"""The asset manager (am) reads a service map of fifty CIs (issue 11: "the service map
readable at 50 nodes"): the platform is built through the CMDB's services before the
journey, the map is opened from the CI's page by clicking, and what she sees is measured:
no two texts overlap, the relations read as words, and every node is reached with Tab."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import heading, open_module, sign_in, swapped

pytestmark = [pytest.mark.browser]

PLATFORM = "Payments platform"
APPS = 8  # applications part of the platform (the first hop)
VMS_PER_APP = 5  # virtual machines each runs on (the second hop)
DATABASES = 2  # what two of the applications depend on (the second hop)
NODES = 1 + APPS + APPS * VMS_PER_APP + DATABASES  # 51: the platform and fifty around it
SMALLEST_TEXT = 9  # pixels: no label on the map is drawn smaller than this


def build_platform() -> None:
    """A business service with fifty CIs around it within two hops, made through the
    services as an import or a person would make them (once per test database)."""
    from steward.cmdb import services
    from steward.cmdb.models import ConfigurationItem
    from steward.core.actor import Actor

    if ConfigurationItem.objects.filter(name=PLATFORM).exists():
        return
    system = Actor.system("journey")
    platform = services.ci_create(system, name=PLATFORM, ci_class="business_service")
    for a in range(APPS):
        app = services.ci_create(system, name=f"payments-app-{a:02d}", ci_class="application")
        services.relationship_create(
            system, source=app.number, target=platform.number, type="part_of"
        )
        for v in range(VMS_PER_APP):
            vm = services.ci_create(
                system, name=f"pay-vm-{a:02d}{v:02d}", ci_class="virtual_machine"
            )
            services.relationship_create(
                system, source=app.number, target=vm.number, type="runs_on"
            )
        if a < DATABASES:
            db = services.ci_create(system, name=f"payments-ledger-{a}", ci_class="database")
            services.relationship_create(
                system, source=app.number, target=db.number, type="depends_on"
            )


def overlapping(boxes: list[dict]) -> list[tuple[dict, dict]]:
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            across = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
            down = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
            if across > 1 and down > 1:
                pairs.append((a, b))
    return pairs


def test_asset_manager_reads_a_service_map_of_fifty_cis(page):
    build_platform()
    sign_in(page, "am")
    open_module(page, "CMDB")
    search = page.get_by_role("searchbox", name="Search")
    search.fill(PLATFORM)
    search.press("Enter")
    swapped(page)
    page.get_by_role("row").filter(has_text=PLATFORM).get_by_role(
        "link", name=re.compile("^CI")
    ).click()
    heading(page, re.compile(PLATFORM))
    page.get_by_role("link", name="Service map").click()
    heading(page, f"Service map · {PLATFORM}")

    graph = page.get_by_role("group", name=f"Service map of {PLATFORM}")
    expect(graph).to_be_visible()
    nodes = graph.get_by_role("link")
    expect(nodes).to_have_count(NODES)

    # no two texts overlap: node names, their classes, and the relations drawn. Each
    # text's glyph box (getBBox: not the halo painted around it), on the screen's scale
    texts = graph.locator("text")
    boxes = texts.evaluate_all(
        """ts => ts.map(t => {
            const b = t.getBBox(), m = t.getScreenCTM();
            return {x: m.e + b.x * m.a, y: m.f + b.y * m.d, width: b.width * m.a,
                    height: b.height * m.d};
        })"""
    )
    assert len(boxes) >= 2 * NODES, len(boxes)
    clashes = overlapping(boxes)
    assert not clashes, f"{len(clashes)} overlapping texts, e.g. {clashes[:2]}"
    # readable: no text drawn smaller than SMALLEST_TEXT pixels once the map is scaled
    # to the page, and every text inside the map's visible box
    smallest = min(box["height"] for box in boxes)
    assert smallest >= SMALLEST_TEXT, f"text {smallest:.1f} px high"
    frame = graph.bounding_box()
    for box in boxes:
        assert frame["x"] - 1 <= box["x"], f"a label leaves the map: {box}"
        assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, box

    # the relations read as words, each kind shown at least once on the map, and every
    # line names its two ends in words for whoever points at it
    relations = graph.locator("text.edge-label").all_text_contents()
    assert {"part of", "runs on", "depends on"} <= set(relations), relations
    # where lines cross a text, the text keeps a halo of the map's background around it
    halo = texts.evaluate_all(
        "ts => ts.map(t => [getComputedStyle(t).paintOrder, getComputedStyle(t).stroke])"
    )
    assert all(order.startswith("stroke") and stroke != "none" for order, stroke in halo), halo[:3]
    expect(graph).not_to_contain_text(re.compile(r"part_of|runs_on|depends_on|virtual_machine"))
    titles = graph.locator("polyline > title").all_text_contents()
    assert len(titles) == NODES - 1, len(titles)  # one line per relationship
    assert "payments-app-00 runs on pay-vm-0000" in titles, titles[:5]

    # no line passes through another node: each stretch of every relationship's route
    # against the box of every node but its two ends (the circle and both labels), as the
    # browser lays them out (the defect: straight lines from a wrapped row crossed the rows
    # between, through circles and names)
    crossing = graph.evaluate(
        """svg => {
            const boxes = [...svg.querySelectorAll("a[data-number]")].map(a => {
                const b = a.getBBox();
                return {number: a.dataset.number, x0: b.x, y0: b.y, x1: b.x + b.width,
                        y1: b.y + b.height};
            });
            // a stretch (horizontal or vertical: the routes run along gutters and aisles,
            // but any segment is checked) meets a box when the box, shrunk by a pixel,
            // holds some point of it: sampled every pixel along its length
            const hits = (p, q, box) => {
                const steps = Math.max(Math.abs(q.x - p.x), Math.abs(q.y - p.y), 1);
                for (let i = 0; i <= steps; i++) {
                    const x = p.x + (q.x - p.x) * i / steps, y = p.y + (q.y - p.y) * i / steps;
                    if (x > box.x0 + 1 && x < box.x1 - 1 && y > box.y0 + 1 && y < box.y1 - 1) {
                        return true;
                    }
                }
                return false;
            };
            const found = [];
            for (const line of svg.querySelectorAll("polyline")) {
                const points = [...line.points];
                const ends = [line.dataset.source, line.dataset.target];
                for (let i = 1; i < points.length; i++) {
                    for (const box of boxes) {
                        if (!ends.includes(box.number) && hits(points[i - 1], points[i], box)) {
                            found.push(`${line.querySelector("title").textContent} through `
                                       + box.number);
                        }
                    }
                }
            }
            return found;
        }"""
    )
    assert not crossing, f"{len(crossing)} lines through other nodes, e.g. {crossing[:3]}"

    # the relations are also listed in words under the map (a reader of the page, or of a
    # screen reader, gets every one of them, not only those with room for a label)
    page.get_by_text(re.compile(r"^Relationships on this map \(\d+\)")).click()
    listed = page.get_by_role("table", name="Relationships on this map")
    expect(listed).to_be_visible()
    expect(listed.locator("tbody tr")).to_have_count(NODES - 1)
    expect(listed).to_contain_text("payments-app-03")
    expect(listed.locator("tbody tr").filter(has_text="pay-vm-0304")).to_contain_text("runs on")

    # every node is reached with the keyboard, in the order drawn, and opens its CI
    page.get_by_role("navigation", name="Depth").get_by_role("link").last.focus()
    reached = []
    for _ in range(NODES):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.getAttribute('data-number')"))
    drawn = nodes.evaluate_all("ns => ns.map(n => n.getAttribute('data-number'))")
    assert reached == drawn, (reached, drawn)
    page.keyboard.press("Shift+Tab")
    name = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    heading(page, re.compile(re.escape(name.split(" ")[0])))
