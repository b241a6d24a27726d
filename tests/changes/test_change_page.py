"""The change page and its form: what it shows to whom, creating and editing (from a
template too), comments, and its query count."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.changes import services
from steward.changes.choices import ApprovalState
from steward.changes.models import Change, FreezeWindow
from tests.changes.conftest import (
    HIGH,
    PLANS,
    client_for,
    fresh,
    in_authorisation,
    local,
    scheduled,
    window,
)
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


def test_detail_shows_fields_plans_cis_services_risk_and_moves(web, new_change, stack):
    change = new_change(
        title="Upgrade shop server", cis=[stack["server"].number], risk_answers=HIGH
    )

    page = web.get(f"/changes/{change.number}/")

    text = page.content.decode()
    assert page.status_code == 200
    assert PLANS["backout_plan"] in text
    assert f'href="/cmdb/cis/{stack["server"].number}/"' in text
    assert f'href="/cmdb/cis/{stack["service"].number}/"' in text  # the impacted service
    assert "Full outage" in text  # the questionnaire answer's label
    assert any(reason.split(":")[0] in text for reason in change.risk_reasons)
    assert 'value="assessment"' in text
    assert "Submit for assessment" in text


def test_requester_gets_404_for_a_change_they_may_not_see(new_change, requester_user):
    other = new_change(title="Someone else's")

    client = client_for(requester_user)

    assert client.get(f"/changes/{other.number}/").status_code == 404
    assert (
        client.post(
            f"/changes/{other.number}/move/", {"status": "cancelled", "version": 1}
        ).status_code
        == 404
    )
    assert client.get(f"/changes/{other.number}/conflicts/").status_code == 404
    assert b"Someone else" not in client.get("/changes/?queue=all").content


def test_requester_sees_their_own_change_without_move_buttons(new_change, requester_user):
    own = new_change(title="Mine to follow", requester=requester_user.username)

    page = client_for(requester_user).get(f"/changes/{own.number}/")

    assert page.status_code == 200
    assert b"Mine to follow" in page.content
    assert b'name="status"' not in page.content


def test_requesters_do_not_get_the_agent_pages(requester_user):
    client = client_for(requester_user)
    for url in ("/changes/agenda/", "/changes/calendar/", "/changes/freezes/", "/changes/new/"):
        assert client.get(url).status_code == 404, url


def test_detail_query_count_is_bounded(web, new_change, stack):
    change = new_change(cis=[stack["server"].number, stack["app"].number])
    with CaptureQueriesContext(connection) as ctx:
        web.get(f"/changes/{change.number}/")
    assert len(ctx.captured_queries) < 60


def test_create_a_normal_change_with_the_questionnaire(web, stack):
    start, end = window()

    page = web.post(
        "/changes/new/",
        {
            "type": "normal",
            "title": "Replace the core switch",
            "cis": stack["server"].number,
            "planned_start": local(start),
            "planned_end": local(end),
            "risk_outage": "full",
            "risk_backout": "impossible",
            **PLANS,
        },
    )

    change = Change.objects.get()
    assert page.status_code == 303
    assert page["Location"] == f"/changes/{change.number}/"
    assert change.risk_answers == {"outage": "full", "backout": "impossible"}
    assert change.risk_level in ("high", "very_high")
    assert change.planned_start == start
    assert list(change.cis.values_list("number", flat=True)) == [stack["server"].number]


def test_create_with_bad_input_shows_errors_by_the_fields_and_saves_nothing(web):
    start, end = window()

    page = web.post(
        "/changes/new/",
        {
            "type": "normal",
            "title": "Backwards",
            "planned_start": local(end),
            "planned_end": local(start),
            "cis": "CI9999999",
        },
    )

    assert page.status_code == 422
    text = page.content.decode()
    assert re.search(r'id="id_cis".*?class="error">[^<]*CI9999999', text, re.S) or (
        "must be after the planned start" in text
    )
    assert not Change.objects.exists()


def test_create_a_standard_change_from_a_template(web, cm):
    template = services.template_create(
        cm, name="Rotate TLS certificate", implementation_plan="Run certbot."
    )
    form = web.get(f"/changes/new/?template={template.slug}")
    assert b"Run certbot." in form.content

    page = web.post(
        "/changes/new/",
        {"type": "standard", "template": template.slug, "title": "Rotate cert on web-1"},
    )

    change = Change.objects.get()
    assert page.status_code == 303
    assert (change.type, change.template_id, change.implementation_plan) == (
        "standard",
        template.pk,
        "Run certbot.",
    )
    assert change.approval_state == ApprovalState.NOT_REQUIRED


def test_standard_without_a_template_is_refused_on_the_field(web):
    page = web.post("/changes/new/", {"type": "standard", "title": "No template"})

    assert page.status_code == 422
    assert b"a standard change is made from a template" in page.content
    assert not Change.objects.exists()


def test_a_template_on_a_normal_change_is_refused_beside_the_type(web, cm):
    """It was dropped without a word: the change was raised, normal, without the template's
    plans the person chose."""
    template = services.template_create(cm, name="Patch", implementation_plan="Run apt.")

    page = web.post(
        "/changes/new/", {"type": "normal", "template": template.slug, "title": "Patch web-1"}
    )

    assert page.status_code == 422
    assert re.search(
        rb'field invalid">\s*<label for="id_type">.*?a change from a template is standard',
        page.content,
        re.S,
    )
    assert not Change.objects.exists()


def test_edit_saves_and_a_stale_version_says_so(web, new_change):
    change = new_change(title="Old title")
    edit = web.get(f"/changes/{change.number}/edit/")
    assert b"Old title" in edit.content

    saved = web.post(
        f"/changes/{change.number}/edit/",
        {"version": change.version, "title": "New title", **PLANS},
    )
    stale = web.post(
        f"/changes/{change.number}/edit/",
        {"version": change.version, "title": "Lost title", **PLANS},
    )

    assert saved.status_code == 303
    assert stale.status_code == 422
    assert b"changed since you opened it" in stale.content
    assert b">Reload</a>" in stale.content
    assert fresh(change).title == "New title"


def test_comment_and_work_note_show_in_the_timeline(web, new_change):
    change = new_change()

    web.post(
        f"/changes/{change.number}/comment/",
        {"body": "Vendor confirmed the slot", "internal": "on"},
    )

    page = web.get(f"/changes/{change.number}/").content.decode()
    assert "Vendor confirmed the slot" in page
    assert "work note" in page


def test_detail_names_its_cis_and_services_with_links_to_their_pages(web, new_change, stack):
    change = new_change(cis=[stack["server"].number])

    text = web.get(f"/changes/{change.number}/").content.decode()

    server, service = stack["server"], stack["service"]
    assert f'<a href="/cmdb/cis/{server.number}/">shop-srv-1</a>' in text
    assert f'<a href="/cmdb/cis/{service.number}/">Webshop</a>' in text  # the impacted service


def test_detail_query_count_does_not_grow_with_its_cis(web, new_change, stack):
    from tests.changes.conftest import ci

    few = new_change(cis=[stack["server"].number])
    many = new_change(cis=[ci("server", name=f"extra-{n}").number for n in range(6)])
    web.get(f"/changes/{few.number}/")  # warm the session's caches
    with CaptureQueriesContext(connection) as one:
        web.get(f"/changes/{few.number}/")
    with CaptureQueriesContext(connection) as six:
        page = web.get(f"/changes/{many.number}/")

    assert "extra-5" in page.content.decode()
    assert len(six.captured_queries) == len(one.captured_queries)


def test_the_change_waiting_for_the_cab_takes_a_fixed_number_of_statements(cm_web, cab_change):
    """The change page with a window, a CI and answered questions (its conflicts walked):
    the questionnaire is kept per process under the change-configuration stamp, and the
    conflicts read the change's CI ids from its links, not its CIs' numbers and back."""
    url = f"/changes/{cab_change.number}/"
    cm_web.get(url)  # warm: the session's caches and the questionnaire
    with CaptureQueriesContext(connection) as ctx:
        page = cm_web.get(url)
    assert page.status_code == 200
    assert "Migrate the shop database" in page.content.decode()
    read = [q["sql"] for q in ctx.captured_queries]
    assert not [sql for sql in read if "changes_riskquestion" in sql], read
    # 20: the relationship types the conflict walks use are cached per process (0036); the
    # history's names of people are kept per process under the auth stamp (0083: 21 before)
    assert len(read) == 20, "\n".join(read)
    assert not [sql for sql in read if "cmdb_relationshiptype" in sql and "RECURSIVE" not in sql]


def test_the_conflicts_panel_names_the_cis_and_links_them(web, agent_actor, cm, new_change, stack):
    """The panel read "Quarter-end freeze (CI0000033)" and "same CI (CI0000044)" (walk29): a
    CAB member had to open the CMDB to learn which service was frozen. The CIs read by name
    now, each a link to its page."""
    start, end = window()
    FreezeWindow.objects.create(
        slug="sale", name="Shop sale", ci=stack["service"], starts_at=start, ends_at=end
    )
    first = new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)
    scheduled(agent_actor, cm, first, override_reason="the sale is quiet at night")
    second = new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)

    panel = web.get(f"/changes/{second.number}/conflicts/").content.decode()

    links = {text_of(a): a.attrs["href"] for a in elements(panel, "a")}
    assert links["Webshop"] == f"/cmdb/cis/{stack['service'].number}/"
    assert links["shop-srv-1"] == f"/cmdb/cis/{stack['server'].number}/"
    assert links[first.number] == f"/changes/{first.number}/"
    assert f"({stack['service'].number})" not in panel


def test_the_conflicts_panel_says_a_conflict_is_not_yet_scheduled(
    cm_web, agent_actor, cm, new_change, stack
):
    """The CAB agenda's panel read "No conflicts" beside a change awaiting authorisation in
    the same window (walk38): it lists it now, saying it is not yet scheduled, and an
    authorised one as authorised."""
    start, end = window()
    waiting = in_authorisation(
        agent_actor, new_change(cis=[stack["server"].number], planned_start=start, planned_end=end)
    )
    authorised = in_authorisation(
        agent_actor, new_change(cis=[stack["app"].number], planned_start=start, planned_end=end)
    )
    (approval,) = authorised.approvals.all()
    services.approval_decide(
        cm, number=authorised.number, approval_id=approval.pk, decision="approve"
    )

    panel = cm_web.get(f"/changes/{waiting.number}/conflicts/").content.decode()

    items = {text_of(li).split(" ")[0]: text_of(li) for li in elements(panel, "li")}
    assert "No conflicts" not in panel
    assert items[authorised.number].endswith("authorised, not yet scheduled")
    agenda = cm_web.get(f"/changes/{authorised.number}/conflicts/").content.decode()
    (item,) = [text_of(li) for li in elements(agenda, "li")]
    assert item.startswith(waiting.number)
    assert item.endswith("awaiting authorisation, not yet scheduled")
