"""Loans: open check-outs with a due-back date. The list (page and API, one filter schema)
with days overdue in keyset pages; the overdue reminder to the holder and the owner team,
sent once per loan and due date, however many times the worker runs."""

import datetime as dt

import pytest
from django.utils import timezone

from steward.assets import selectors, services
from steward.assets.models import Assignment, LoanReminder
from steward.assets.tasks import send_loan_reminders
from steward.core import outbox
from steward.core.models import OutboxMessage, OutgoingMail
from tests import factories
from tests.query_counts import grows
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


def lend(system, asset, person, *, due_in_days, team=None):
    """Check ``asset`` out to ``person`` due back ``due_in_days`` from today (negative: the
    system records a loan already overdue, as the demo does)."""
    if team is not None:
        services.asset_update(
            system, number=asset.number, expected_version=None, changes={"owner_team": team.slug}
        )
    due = timezone.localdate() + dt.timedelta(days=due_in_days)
    return services.asset_check_out(
        system, number=asset.number, person=person.username, due_back=due
    )


@pytest.fixture
def people(db):
    return {
        "ann": factories.agent(username="ann", email="ann@example.com"),
        "bob": factories.agent(username="bob", email="bob@example.com"),
    }


def test_a_person_cannot_lend_into_the_past(manager, make_asset, people):
    from steward.core.errors import ValidationFailed

    asset = make_asset()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        services.asset_check_out(manager, number=asset.number, person="ann", due_back=yesterday)
    assert list(refused.value.fields) == ["due_back"]


def test_the_list_filters_overdue_and_holder(system, manager, make_asset, people):
    late = lend(system, make_asset(), people["ann"], due_in_days=-10)
    later = lend(system, make_asset(), people["bob"], due_in_days=-2)
    soon = lend(system, make_asset(), people["ann"], due_in_days=5)
    services.asset_check_out(system, number=make_asset().number, person="bob")  # no due date

    every = selectors.loan_list(manager).items
    assert [loan.pk for loan in every] == [late.pk, later.pk, soon.pk]
    assert [loan.days_overdue for loan in every] == [10, 2, 0]
    overdue = selectors.loan_list(manager, overdue=True).items
    assert [loan.pk for loan in overdue] == [late.pk, later.pk]
    assert [loan.pk for loan in selectors.loan_list(manager, overdue=False).items] == [soon.pk]
    mine = selectors.loan_list(manager, holder="ann", overdue=True).items
    assert [loan.pk for loan in mine] == [late.pk]


def test_a_returned_loan_leaves_the_list(system, manager, make_asset, people):
    asset = make_asset()
    lend(system, asset, people["ann"], due_in_days=-3)
    services.asset_check_in(system, number=asset.number)
    assert selectors.loan_list(manager, overdue=True).items == []


def test_the_api_pages_and_filters(system, manager_api, make_asset, people):
    loans = [lend(system, make_asset(), people["ann"], due_in_days=-d) for d in (9, 6, 3)]
    lend(system, make_asset(), people["bob"], due_in_days=4)
    r = manager_api.get("/api/v1/assets/loans", {"overdue": "true", "limit": 2})
    assert r.status_code == 200
    body = r.json()
    assert [(i["asset"], i["holder"], i["days_overdue"]) for i in body["items"]] == [
        (loans[0].asset.number, "ann", 9),
        (loans[1].asset.number, "ann", 6),
    ]
    assert body["items"][0]["due_back"] == loans[0].due_back.isoformat()
    r = manager_api.get("/api/v1/assets/loans", {"overdue": "true", "cursor": body["next"]})
    assert [(i["asset"], i["days_overdue"]) for i in r.json()["items"]] == [
        (loans[2].asset.number, 3)
    ]
    assert r.json()["next"] is None
    bad = manager_api.get("/api/v1/assets/loans", {"overdue": "maybe"})
    assert bad.status_code == 422
    assert list(bad.json()["error"]["fields"]) == ["overdue"]
    bad = manager_api.get("/api/v1/assets/loans", {"limit": 0})
    assert bad.status_code == 422
    assert list(bad.json()["error"]["fields"]) == ["limit"]


def test_loans_are_invisible_to_plain_agents(system, make_asset, people):
    from tests.conftest import api_client_for

    lend(system, make_asset(), people["ann"], due_in_days=-3)
    plain = factories.agent(username="plain")
    assert api_client_for(plain).get("/api/v1/assets/loans").json()["items"] == []
    from django.test import Client

    client = Client()
    client.force_login(plain)
    assert client.get("/assets/loans/").status_code == 404


def test_the_page_shows_holder_asset_due_date_and_days_overdue(
    client, manager_user, system, make_asset, people
):
    loan = lend(system, make_asset(), people["ann"], due_in_days=-12)
    not_due_number = lend(system, make_asset(), people["bob"], due_in_days=3).asset.number
    client.force_login(manager_user)
    r = client.get("/assets/loans/")  # overdue by default
    assert r.status_code == 200
    page = r.content.decode()
    assert "Loans · Overdue" in page
    assert loan.asset.number in page
    assert "<td><strong>12</strong></td>" in page
    assert not_due_number not in page
    every = client.get("/assets/loans/", {"overdue": ""}).content.decode()
    assert not_due_number in every
    assert client.get("/assets/loans/", {"overdue": "soon"}).status_code == 422
    assert 'href="/assets/loans/"' in client.get("/assets/").content.decode()  # linked


@pytest.mark.parametrize(
    ("language", "holder", "which"),
    [("en", "Holder", "Which loans"), ("de", "Inhaber", "Welche Leihen")],
)
def test_a_refused_filter_is_named_by_its_label(client, manager_user, language, holder, which):
    """The refusal read "holder: …", the query parameter's name (polish42): it names the
    control by its label, as the filter bars do, in the reader's language."""
    manager_user.language = language
    manager_user.save(update_fields=["language"])
    client.force_login(manager_user)

    too_long = client.get("/assets/loans/", {"holder": "x" * 151})
    unknown = client.get("/assets/loans/", {"overdue": "soon"})

    assert too_long.status_code == 422
    [alert] = elements(too_long.content, "div", role="alert")
    assert text_of(alert).startswith(f"{holder}: ")
    assert "holder" not in text_of(alert)
    assert "150" in text_of(alert)  # the refusal itself is still said
    assert unknown.status_code == 422
    [alert] = elements(unknown.content, "div", role="alert")
    assert text_of(alert).startswith(f"{which}: ")
    assert "overdue" not in text_of(alert)


def test_the_page_and_api_do_not_grow_with_rows(
    client, manager_user, manager_api, system, make_asset
):
    client.force_login(manager_user)
    # holders and teams made first: a new user or team refreshes cached stamps, not rows
    holders = [factories.agent(username=f"holder{i}") for i in range(16)]
    teams = [factories.TeamFactory() for _ in range(16)]
    n = iter(range(16))

    def add():
        i = next(n)
        lend(system, make_asset(), holders[i], due_in_days=-1 - i, team=teams[i])

    few, more = grows(add, lambda: client.get("/assets/loans/"), first=2, then=4)
    assert few == more
    few, more = grows(add, lambda: manager_api.get("/api/v1/assets/loans"), first=2, then=4)
    assert few == more


# --- reminders --------------------------------------------------------------------------


def events():
    return sorted(
        (e.payload["number"], e.payload["due_back"])
        for e in OutboxMessage.objects.filter(topic="asset.loan_overdue")
    )


def test_each_overdue_loan_is_reminded_once(system, make_asset, people):
    today = timezone.localdate()
    late = lend(system, make_asset(), people["ann"], due_in_days=-1)
    lend(system, make_asset(), people["bob"], due_in_days=0)  # due today: not yet overdue
    assert services.loan_reminders_send(system, today=today) == 1
    assert services.loan_reminders_send(system, today=today) == 0  # a second run
    tomorrow = today + dt.timedelta(days=1)
    assert services.loan_reminders_send(system, today=tomorrow) == 1  # bob's is now overdue
    assert services.loan_reminders_send(system, today=tomorrow + dt.timedelta(days=5)) == 0
    assert len(events()) == 2
    assert (late.asset.number, late.due_back.isoformat()) in events()


def test_a_new_due_date_is_reminded_again(system, make_asset, people):
    today = timezone.localdate()
    loan = lend(system, make_asset(), people["ann"], due_in_days=-1)
    assert services.loan_reminders_send(system, today=today) == 1
    # extended to three days from now (a test shortcut: no service extends a loan yet)
    Assignment.objects.filter(pk=loan.pk).update(due_back=today + dt.timedelta(days=3))
    assert services.loan_reminders_send(system, today=today) == 0  # not due yet again
    later = today + dt.timedelta(days=4)
    assert services.loan_reminders_send(system, today=later) == 1
    assert services.loan_reminders_send(system, today=later) == 0
    assert LoanReminder.objects.filter(assignment=loan).count() == 2


def test_a_returned_loan_is_not_reminded(system, make_asset, people):
    asset = make_asset()
    lend(system, asset, people["ann"], due_in_days=-2)
    services.asset_check_in(system, number=asset.number)
    assert services.loan_reminders_send(system, today=timezone.localdate()) == 0


def test_holder_and_owner_team_are_mailed_once_each(system, make_asset, people):
    team = factories.TeamFactory(email="")
    team.members.set(
        [factories.agent(email="lead@example.com"), factories.agent(email="ops@example.com")]
    )
    lend(system, make_asset(), people["ann"], due_in_days=-4, team=team)
    today = timezone.localdate()
    services.loan_reminders_send(system, today=today)
    services.loan_reminders_send(system, today=today)
    outbox.dispatch_pending()
    OutboxMessage.objects.filter(topic="asset.loan_overdue").update(dispatched_at=None)
    outbox.dispatch_pending()  # at-least-once delivery: a redelivery mails nobody again
    mails = OutgoingMail.objects.filter(kind="loan_overdue")
    assert sorted(m.recipient for m in mails) == [
        "ann@example.com",
        "lead@example.com",
        "ops@example.com",
    ]
    assert all("was due back on" in m.subject for m in mails)


def test_a_loan_returned_before_dispatch_mails_nobody(system, make_asset, people):
    asset = make_asset()
    lend(system, asset, people["ann"], due_in_days=-4)
    services.loan_reminders_send(system, today=timezone.localdate())
    services.asset_check_in(system, number=asset.number)
    outbox.dispatch_pending()
    assert not OutgoingMail.objects.filter(kind="loan_overdue").exists()


def test_the_worker_task_sends_once_each_over_two_runs(system, make_asset, people):
    lend(system, make_asset(), people["ann"], due_in_days=-1)
    lend(system, make_asset(), people["bob"], due_in_days=-30)
    send_loan_reminders()
    assert len(events()) == 2
    send_loan_reminders()  # the second worker run
    outbox.dispatch_pending()
    assert sorted(
        OutgoingMail.objects.filter(kind="loan_overdue").values_list("recipient", flat=True)
    ) == ["ann@example.com", "bob@example.com"]
    assert len(events()) == 2
