"""Approvers and approval links respect organisations: an approver who may not see the
change is neither asked nor mailed, and a link stops working for someone who can no longer
see it."""

from __future__ import annotations

import pytest
from django.core import mail

from steward.changes import services
from steward.changes.choices import Status
from steward.core import outbox
from steward.core.choices import Role
from steward.core.errors import NotFound
from tests import factories
from tests.changes.conftest import PLANS, fresh, move
from tests.conftest import as_actor


@pytest.fixture
def org_change(db):
    """A low-risk change of organisation "home" in authorisation; two change managers, one
    limited to another organisation."""
    home, other = factories.OrganisationFactory(slug="home"), factories.OrganisationFactory()
    raiser = factories.agent(username="raiser", organisation=home)
    everywhere = factories.UserFactory(username="cm-all", roles=[Role.CHANGE_MANAGER, Role.AGENT])
    elsewhere = factories.UserFactory(username="cm-other", roles=[Role.CHANGE_MANAGER, Role.AGENT])
    elsewhere.served_organisations.set([other])
    actor = as_actor(raiser)
    change = services.change_create(actor, title="Patch the home VPN", **PLANS)
    assert change.organisation == home
    move(actor, change, Status.ASSESSMENT)
    move(actor, change, Status.AUTHORIZATION)
    return {"change": fresh(change), "everywhere": everywhere, "elsewhere": elsewhere}


def test_an_approver_who_may_not_see_the_change_is_not_asked_nor_mailed(org_change):
    change = org_change["change"]
    (approval,) = change.approvals.all()

    assert list(approval.approvers.all()) == [org_change["everywhere"]]
    outbox.dispatch_pending()
    assert [m.to for m in mail.outbox] == [[org_change["everywhere"].email]]
    assert not any(change.title in m.body for m in mail.outbox if m.to == ["cm-other@example.com"])


def test_a_link_for_someone_who_can_no_longer_see_the_change_is_404(org_change, client):
    change = org_change["change"]
    (approval,) = change.approvals.all()
    member = org_change["everywhere"]
    token = services.approval_link_token(approval, approver=member, sent_to=member)
    assert client.get(f"/changes/approve/{token}/").status_code == 200

    member.served_organisations.set([factories.OrganisationFactory()])  # moved elsewhere

    page = client.get(f"/changes/approve/{token}/")
    assert page.status_code == 404
    assert change.title not in page.content.decode()
    with pytest.raises(NotFound):
        services.approval_decide_by_link(token, decision="approve")
