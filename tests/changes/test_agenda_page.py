"""The CAB agenda page: changes waiting for authorisation, decided in one click, refusals in
place, the way there from the change page, and its query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.changes.conftest import (
    HIGH,
    client_for,
    in_authorisation,
)
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


def test_agenda_lists_changes_awaiting_authorisation_with_buttons_for_approvers(cab_change, cab):
    member = cab.members.get(username="cab1")

    page = client_for(member).get("/changes/agenda/")
    outsider = client_for(factories.agent(username="nobody")).get("/changes/agenda/")

    assert b"Migrate the shop database" in page.content
    assert b'value="approve"' in page.content
    assert b"Migrate the shop database" in outsider.content
    assert b'value="approve"' not in outsider.content


def test_approve_from_the_agenda_with_htmx(cab_change, cab):
    member = cab.members.get(username="cab1")
    approval = cab_change.approvals.get(label="Change Advisory Board")

    response = client_for(member).post(
        f"/changes/{cab_change.number}/approvals/{approval.pk}/decide/",
        {"decision": "approve", "comment": "Fine by me"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Fine by me" in response.content
    assert approval.decisions.get().approver == member
    # what was decided, as a past decision reads: "CAB One: Approved", not the button's
    # "Approve" (walk29), here and on the change's page
    assert f"{member}: <strong>Approved</strong>" in response.content.decode()
    page = client_for(member).get(f"/changes/{cab_change.number}/").content.decode()
    assert f"{member}: <strong>Approved</strong>" in page


def test_a_refused_decision_shows_the_services_reason(cab_change, cab):
    approval = cab_change.approvals.get(label="Change Advisory Board")
    outsider = factories.agent(username="outsider")

    response = client_for(outsider).post(
        f"/changes/{cab_change.number}/approvals/{approval.pk}/decide/",
        {"decision": "approve"},
        HTTP_HX_REQUEST="true",
    )
    no_reason = client_for(cab.members.get(username="cab2")).post(
        f"/changes/{cab_change.number}/approvals/{approval.pk}/decide/",
        {"decision": "reject"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 422
    assert b"You are not an approver" in response.content
    assert no_reason.status_code == 422
    assert b"say why you reject" in no_reason.content
    assert not approval.decisions.exists()


def test_a_rejection_without_a_reason_marks_the_comment_box_and_keeps_what_was_typed(
    cab_change, cab
):
    """Refused for want of a reason, the agenda row named the error but not the box it is
    about: nothing marked invalid, so the focus went back to the Reject button (walk42). The
    box is now invalid and described by the error; a refusal for another reason keeps the
    comment that was typed in it."""
    approval = cab_change.approvals.get(label="Change Advisory Board")
    member = client_for(cab.members.get(username="cab2"))
    url = f"/changes/{cab_change.number}/approvals/{approval.pk}/decide/"

    no_reason = member.post(url, {"decision": "reject", "comment": "  "}, HTTP_HX_REQUEST="true")
    unknown = member.post(
        url, {"decision": "maybe", "comment": "Wait for the vendor"}, HTTP_HX_REQUEST="true"
    )

    box_id = f"decide-comment-{approval.pk}"
    assert no_reason.status_code == 422
    [box] = elements(no_reason.content, "textarea", id=box_id)
    assert box.attrs.get("aria-invalid") == "true"
    [error] = elements(no_reason.content, id=box.attrs["aria-describedby"])
    assert "say why you reject" in text_of(error)
    assert unknown.status_code == 422
    [kept] = elements(unknown.content, "textarea", id=box_id)
    assert text_of(kept) == "Wait for the vendor"
    assert "aria-invalid" not in kept.attrs
    assert not approval.decisions.exists()


def test_agenda_query_count_does_not_grow(agent_actor, new_change, cab, stack):
    member = client_for(cab.members.get(username="cab1"))

    def count(n: int) -> int:
        for _ in range(n):
            in_authorisation(
                agent_actor, new_change(cis=[stack["server"].number], risk_answers=HIGH)
            )
        # warm: the first read fills the per-process session and user caches
        member.get("/changes/agenda/")
        with CaptureQueriesContext(connection) as ctx:
            member.get("/changes/agenda/")
        return len(ctx.captured_queries)

    assert count(1) == count(5)


def test_the_cab_agenda_link_shows_only_while_approvals_are_pending(
    web, agent_actor, new_change, cab_change
):
    unneeded = in_authorisation(agent_actor, new_change(title="Rotate a log file"))
    assert unneeded.approval_state == "not_required"  # low risk: nothing to decide

    quiet = web.get(f"/changes/{unneeded.number}/").content
    waiting = web.get(f"/changes/{cab_change.number}/").content

    assert b"No approval needed." in quiet
    assert b"Decide on the CAB agenda" not in quiet
    assert b"Decide on the CAB agenda" in waiting


def test_agenda_names_each_changes_cis_with_links(cab_change, cab, stack):
    member = cab.members.get(username="cab1")

    text = client_for(member).get("/changes/agenda/").content.decode()

    server = stack["server"]
    assert f'<a href="/cmdb/cis/{server.number}/">shop-srv-1</a>' in text


def test_the_comment_box_has_a_visible_label(cab_change, cab):
    """Its only visible label was its placeholder (gone once typed in): each box is named by
    a ``<label for>`` a sighted reader sees, saying it is needed to reject."""
    page = client_for(cab.members.get(username="cab1")).get("/changes/agenda/").content
    boxes = elements(page, "textarea", name="comment")
    assert boxes
    for box in boxes:
        assert "placeholder" not in box.attrs
        assert "aria-label" not in box.attrs
        labels = elements(page, "label", **{"for": box.attrs["id"]})
        assert len(labels) == 1
        assert text_of(labels[0]).startswith("Comment on ")
        assert text_of(labels[0]).endswith("(required to reject)")


def test_only_mine_lists_the_changes_awaiting_my_vote(cab_change, cab):
    member = client_for(cab.members.get(username="cab1"))
    outsider = client_for(factories.agent(username="nobody"))

    mine = member.get("/changes/agenda/?mine=true")
    swapped = member.get("/changes/agenda/?mine=true&partial=1", HTTP_HX_REQUEST="true")
    not_mine = outsider.get("/changes/agenda/?mine=true")
    everything = outsider.get("/changes/agenda/?mine=")
    refused = member.get("/changes/agenda/?mine=perhaps")

    assert b"Migrate the shop database" in mine.content
    [chosen] = [o for o in elements(mine.content, "option") if "selected" in o.attrs]
    assert text_of(chosen) == "Awaiting my vote"
    assert b"Migrate the shop database" in swapped.content
    assert b"<html" not in swapped.content
    assert b"Migrate the shop database" not in not_mine.content
    assert b"Nothing awaits your vote." in not_mine.content
    assert b"Migrate the shop database" in everything.content
    assert refused.status_code == 422
    [error] = elements(refused.content, "span", **{"class": "error"})
    assert text_of(error).startswith("Show: ")


def test_a_refusal_about_the_comment_is_named_by_its_label(cab_change, cab):
    """The row's alert printed the service's lower-case field message alone ("say why you
    reject the change"); it reads after the field's label, as every form shows it."""
    approval = cab_change.approvals.get(label="Change Advisory Board")
    member = client_for(cab.members.get(username="cab2"))
    url = f"/changes/{cab_change.number}/approvals/{approval.pk}/decide/"

    refused = member.post(url, {"decision": "reject"}, HTTP_HX_REQUEST="true")

    [alert] = elements(refused.content, id=f"agenda-error-{cab_change.number}")
    assert text_of(alert) == "Comment: say why you reject the change"
