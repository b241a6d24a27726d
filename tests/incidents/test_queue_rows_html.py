"""The queue's rows rendered in one pass (``{% incident_rows %}``, incidents/templatetags)
are the HTML the row template rendered (tests/incidents/reference/queue_row.html, the
template the page included once per row before), for the rows the page reads
(``QueueRow``) and for the ORM's incidents, for an agent and a requester, in English and
German. The template is kept though the page no longer has it: both ways of the rows
(``incident_queue.FAST``) go through the one writer (decision 0077), so it is the only
oracle of the rows' markup not written by that writer (Django's escaping and tags)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.utils import translation

from steward.core.services import team_create
from steward.incidents import demo, selectors
from steward.incidents.models import Incident
from steward.incidents.selectors.rows import QueueRow
from steward.incidents.templatetags.incident_queue import incident_rows
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db
REFERENCE = Path(__file__).parent / "reference" / "queue_row.html"


def _squeezed(html: str) -> str:
    """Markup without the whitespace between tags (the template's line breaks)."""
    return re.sub(r">\s+<", "><", html.strip())


def _by_template(rows: list, context: dict) -> str:
    template = Engine.get_default().from_string(REFERENCE.read_text())
    return "".join(template.render(Context({**context, "row": row})) for row in rows)


@pytest.fixture
def queue(admin_actor, agent_user, always_on):
    """The demo's incidents (some major, some with no team or assignee) and their rows."""
    for n in range(3):
        factories.requester(username=f"demo-req-{n}")
    team_create(admin_actor, name="Network", slug="network", members=["agent1"])
    demo.load(random.Random(3), count=40)
    first = Incident.objects.order_by("number").first()
    # a title with markup in it (the demo writes none) and a major incident
    Incident.objects.filter(pk=first.pk).update(is_major=True, title='<b>"Quoted" & tagged</b>')
    page = selectors.incident_list(admin_actor, queue="all", limit=100, shown=True)
    assert len(page.items) == 41
    assert all(isinstance(r, QueueRow) for r in page.items)
    models = {i.number: i for i in Incident.objects.all()}
    for row in page.items:  # the ORM path's clocks, as the model-path page showed them
        models[row.number].sla_clocks = row.sla_clocks
    return page.items, [models[r.number] for r in page.items]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("agent", [True, False])
def test_rows_are_the_row_templates_html(queue, agent, language):
    rows, models = queue
    assert any(r.is_major for r in rows)
    assert any(r.team is None for r in rows)
    assert any(not r.assignee for r in rows)
    assert any(r.assignee for r in rows)
    takeable = {r.number for r in rows[::3]}
    selectable = {r.number for r in rows[::2]}
    context = {
        "can_work_queue": agent,
        "takeable": takeable,
        "selectable": selectable,
        "records_url": "/incidents/",
    }
    with translation.override(language):
        fast = incident_rows(Context(context), rows)
        assert _squeezed(fast) == _squeezed(_by_template(rows, context))
        # the model path's incidents render the same rows
        assert _squeezed(incident_rows(Context(context), models)) == _squeezed(fast)
    assert fast.count("<tr>") == len(rows)
    assert ("&lt;b&gt;&quot;Quoted&quot; &amp; tagged&lt;/b&gt;" in fast) is True
    assert fast.count("/take/") == (len(takeable) if agent else 0)
    assert fast.count('name="numbers"') == (len(selectable) if agent else 0)


def test_no_rows_leave_the_empty_text(client, agent_user):
    client.force_login(agent_user)
    html = client.get("/incidents/?queue=all").content.decode()
    assert "Nothing in this queue." in html


def test_the_page_shows_the_rows(client, queue, admin_user):
    client.force_login(admin_user)
    html = client.get("/incidents/?queue=all").content.decode()
    rows, _ = queue
    shown = re.findall(
        r'<a href="/incidents/(INC\d+)/\?back=queue%3Dall%26order%3Dpriority">', html
    )
    assert shown[:5] == [r.number for r in rows[:5]]
    assert as_actor(admin_user).is_agent
    assert 'name="numbers"' in html
