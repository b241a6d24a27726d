"""The catalogue's pages: browse and order, my requests (only mine), approvals, the task
queue and page; query counts of the lists."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.catalog import services
from steward.catalog.models import Request
from tests import factories
from tests.conftest import as_actor
from tests.query_counts import grows
from tests.web.html import elements, text_of


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rita(requester):
    return web(requester.user)


def test_catalogue_lists_what_i_may_order(rita, make_item):
    make_item(slug="laptop", name="New laptop")
    make_item(slug="router", name="Core router", audience="roles", audience_roles=["agent"])
    page = rita.get("/catalog/").content.decode()
    assert "New laptop" in page
    assert "Core router" not in page
    assert rita.get("/catalog/items/router/").status_code == 404


def test_order_form_shows_conditions_as_data_attributes(rita, laptop):
    page = rita.get(f"/catalog/items/{laptop.slug}/").content.decode()
    assert 'data-show-field="model" data-show-equals="Performance"' in page
    assert "catalog/order.js" in page
    assert "<script>" not in page


def test_order_form_marks_its_required_questions(rita, laptop):
    """VPN access's "Device" and "Business justification" read like its optional questions:
    no marker, no required state for assistive technology."""
    page = rita.get(f"/catalog/items/{laptop.slug}/").content
    fields = {e.attrs.get("name"): e for e in elements(page) if e.tag in ("input", "select")}
    assert fields["model"].attrs.get("aria-required") == "true"
    assert "required" in fields["model"].attrs
    assert "aria-required" not in fields["needed_by"].attrs
    assert "required" not in fields["needed_by"].attrs
    marked = [e.attrs["for"] for e in elements(page, "label", **{"class": "required-mark"})]
    assert marked == ["id_model", "id_reason"]  # the style sheet adds the "*"
    assert "(* required)" in page.decode()


def test_ordering_from_the_page(rita, laptop):
    response = rita.post(
        f"/catalog/items/{laptop.slug}/", {"model": "Performance", "reason": "<b>4K</b> video"}
    )
    request = Request.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/catalog/requests/{request.number}/"
    page = rita.get(response["Location"]).content.decode()
    assert "&lt;b&gt;4K&lt;/b&gt; video" in page  # inert
    assert "<b>4K</b>" not in page


def test_bad_answers_show_beside_their_field(rita, laptop):
    response = rita.post(
        f"/catalog/items/{laptop.slug}/", {"model": "Performance", "monitors": "x"}
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["reason"] == ["required"]
    assert form.errors["monitors"] == ["a number"]
    assert not Request.objects.exists()


def test_my_requests_are_mine_and_others_are_404(rita, laptop, order, org):
    mine = order(laptop)
    other = factories.requester(username="olga", organisation=org, manager=mine.requester.manager)
    theirs = order(laptop, actor=as_actor(other))
    page = rita.get("/catalog/requests/").content.decode()
    assert mine.number in page
    assert theirs.number not in page
    assert rita.get(f"/catalog/requests/{theirs.number}/").status_code == 404
    assert rita.get("/catalog/requests/REQ9999999/").status_code == 404


def test_manager_approves_from_the_page(laptop, order, manager):
    request = order(laptop)
    boss = web(manager)
    assert request.number in boss.get("/catalog/approvals/").content.decode()
    vote = request.approvals.get()
    response = boss.post(
        f"/catalog/requests/{request.number}/approvals/{vote.pk}/decide/",
        {"decision": "approved", "comment": "fine"},
    )
    assert response.status_code == 303
    request.refresh_from_db()
    assert request.status == "fulfilment"


def test_a_rejected_or_cancelled_request_says_no_work_will_be_done(
    rita, requester, laptop, order, manager
):
    """Rita's rejected order said "Work starts once the request is approved" (it never will)."""
    waiting, rejected, cancelled = order(laptop), order(laptop), order(laptop)
    services.approval_decide(
        as_actor(manager),
        number=rejected.number,
        approval_id=rejected.approvals.get().pk,
        decision="rejected",
        comment="not this year",
    )
    services.request_cancel(requester, number=cancelled.number)

    def fulfilment(request) -> str:
        page = rita.get(f"/catalog/requests/{request.number}/").content.decode()
        return text_of(next(e for e in elements(page, "section") if e.attrs.get("id") == "tasks"))

    assert "Work starts once the request is approved." in fulfilment(waiting)
    assert "rejected: no work will be done" in fulfilment(rejected)
    assert "cancelled: no work will be done" in fulfilment(cancelled)
    assert "once the request is approved" not in fulfilment(rejected) + fulfilment(cancelled)


def test_deciding_someone_elses_vote_from_the_page_is_refused(laptop, order, admin):
    request = order(laptop)
    vote = request.approvals.get()
    response = web(admin.user).post(
        f"/catalog/requests/{request.number}/approvals/{vote.pk}/decide/",
        {"decision": "approved"},
    )
    assert response.status_code == 422
    vote.refresh_from_db()
    assert vote.decision == "pending"


def test_team_takes_and_completes_from_the_pages(make_item, order, fulfiller):
    request = order(make_item(stages=[], tasks=[{"title": "Hand over", "team": "desk"}]))
    task = request.tasks.get()
    fred = web(fulfiller.user)
    assert task.number in fred.get("/catalog/tasks/").content.decode()
    assert (
        fred.post(f"/catalog/tasks/{task.number}/take/", {"version": task.version}).status_code
        == 303
    )
    task.refresh_from_db()
    response = fred.post(
        f"/catalog/tasks/{task.number}/complete/", {"version": task.version, "notes": "done"}
    )
    assert response.status_code == 303
    request.refresh_from_db()
    assert request.status == "completed"


def test_requesters_have_no_task_queue(rita):
    assert rita.get("/catalog/tasks/").status_code == 404


def test_navigation_per_role(rita, fulfiller):
    requester_nav = rita.get("/catalog/").content.decode()
    assert "My requests" in requester_nav
    assert "Approvals" in requester_nav
    assert "Fulfilment tasks" not in requester_nav
    assert "Fulfilment tasks" in web(fulfiller.user).get("/catalog/").content.decode()


def test_list_pages_do_not_grow_with_rows(rita, make_item, order, fulfiller):
    item = make_item(stages=[], tasks=[{"title": "Hand over", "team": "desk"}])
    few, many = grows(lambda: order(item), lambda: rita.get("/catalog/requests/"))
    assert few == many
    fred = web(fulfiller.user)
    few, many = grows(lambda: order(item), lambda: fred.get("/catalog/tasks/"))
    assert few == many
    made = iter(range(100))
    few, many = grows(lambda: make_item(slug=f"extra-{next(made)}"), lambda: rita.get("/catalog/"))
    assert few == many


def admin_post(fields=(), stages=(), tasks=(), **item):
    """The item builder's POST: the item's settings and its rows."""
    data = {
        "name": "Built item",
        "category": "Hardware",
        "audience": "everyone",
        "task_mode": "ordered",
        "is_active": "on",
        **item,
    }
    for prefix, rows in (("fields", fields), ("stages", stages), ("tasks", tasks)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{i}-{name}"] = value
    return data


def test_admin_builds_an_item_without_code(admin, desk):
    from steward.catalog.models import CatalogItem

    client = web(admin.user)
    assert client.get("/administration/catalog/items/new/").status_code == 200
    response = client.post(
        "/administration/catalog/items/new/",
        admin_post(
            fields=[
                {
                    "key": "model",
                    "label": "Model",
                    "type": "choice",
                    "required": "on",
                    "choices": "Small\nLarge",
                },
                {
                    "key": "why",
                    "label": "Why large",
                    "type": "text",
                    "show_if_field": "model",
                    "show_if_equals": "Large",
                },
                {},
            ],
            stages=[{"name": "Boss", "approvers": "manager", "quorum": "any"}],
            tasks=[{"title": "Deliver", "team": "desk"}, {}],
        ),
    )
    assert response.status_code == 303, response.content.decode()[:2000]
    item = CatalogItem.objects.get(name="Built item")
    assert [f["key"] for f in item.form] == ["model", "why"]
    assert item.form[1]["show_if"] == {"field": "model", "equals": "Large"}
    assert item.approval_stages[0]["approvers"] == "manager"
    assert item.task_templates == [{"title": "Deliver", "team": "desk"}]


def test_admin_builder_puts_errors_on_their_row(admin, desk):
    from steward.catalog.models import CatalogItem

    response = web(admin.user).post(
        "/administration/catalog/items/new/",
        admin_post(fields=[{}, {"key": "size", "label": "Size", "type": "choice"}]),
    )
    assert response.status_code == 422
    assert response.context["fields"][1].errors["choices"] == ["a list of distinct texts"]
    assert not CatalogItem.objects.exists()


def test_only_admins_build_items(rita):
    assert rita.get("/administration/catalog/").status_code == 403


# a requester's own lists: the cache stamps and the page of requests with their requester
# (the portal's list also its page of incidents): the rows alone, without the votes, tasks
# and SLA clocks the API's answer carries (7 statements before). The session and its user
# come from the per-process caches once warm (steward/core/sessions.py; 4 and 5 before).
MY_REQUESTS_PAGE = 2
# the portal's list also reads the requester's surveys waiting for an answer (one statement,
# docs/surveys.md)
MY_PORTAL_LIST = 4


def test_my_lists_read_the_rows_alone(rita, make_item, order):
    from tests.query_counts import queries

    item = make_item(stages=[], tasks=[{"title": "Hand over", "team": "desk"}])
    for _ in range(3):
        order(item)
    order(make_item(slug="approved"))  # awaiting its manager's vote
    queries(lambda: rita.get("/catalog/requests/"))  # warm
    assert queries(lambda: rita.get("/catalog/requests/")) == MY_REQUESTS_PAGE
    assert queries(lambda: rita.get("/help/mine/")) == MY_PORTAL_LIST
    page = rita.get("/catalog/requests/").content.decode()
    assert page.count("/catalog/requests/REQ") == 4
    assert "In fulfilment" in page
    assert "Awaiting approval" in page


PERSON_FORM = [
    {"key": "owner", "label": "Owner", "type": "user", "required": True},
]


def test_a_person_question_is_a_picker_of_the_people_she_may_name(rita, make_item, manager):
    make_item(slug="dl", name="Distribution list", form=PERSON_FORM)
    elsewhere = factories.OrganisationFactory(name="Other", slug="other")
    factories.requester(username="manfred", first_name="Manfred", organisation=elsewhere)

    page = rita.get("/catalog/items/dl/").content.decode()

    # the defect: a text box wanting a username; now a combobox suggesting people by name
    assert 'role="combobox"' in page
    assert 'hx-get="/pick/orderable-person/"' in page
    options = rita.get("/pick/orderable-person/", {"q": "man"}).content.decode()
    assert "manny" in options  # her organisation's
    assert "manfred" not in options  # not another customer's staff


def test_a_person_question_still_takes_a_username(rita, make_item, manager):
    make_item(slug="dl", name="Distribution list", form=PERSON_FORM)

    # the picker sends the picked key; a script (or no JavaScript) sends the username
    response = rita.post("/catalog/items/dl/", {"owner_label": "manny"})

    assert response.status_code == 303
    assert Request.objects.get().answers == {"owner": "manny"}


LONG = "x" * 61


@pytest.mark.parametrize(
    ("language", "address", "alert"),
    [
        ("en", f"/catalog/?category={LONG}", "Category: at most 60 characters"),
        ("de", f"/catalog/?category={LONG}", "Kategorie: höchstens 60 Zeichen"),
        ("en", "/catalog/requests/?status=lost", "Status: unknown value 'lost'"),
        ("de", "/catalog/requests/?status=lost", "Status: unbekannter Wert 'lost'"),
        ("en", f"/catalog/requests/?item={LONG}", "Item: at most 60 characters"),
        ("de", f"/catalog/requests/?item={LONG}", "Artikel: höchstens 60 Zeichen"),
    ],
    ids=["catalogue-en", "catalogue-de", "status-en", "status-de", "item-en", "item-de"],
)
def test_a_refused_filter_is_named_by_what_the_page_calls_it(requester, language, address, alert):
    """The catalogue and My requests printed a refused filter by its parameter
    ("category: …", "status: …"); they name it as the page names its control or column, as
    the contracts and loans pages do (``named_refusals``, decision 0123), in the reader's
    language."""
    requester.user.language = language
    requester.user.save(update_fields=["language"])

    refused = web(requester.user).get(address)

    assert refused.status_code == 422
    [shown] = elements(refused.content, "div", role="alert")
    assert text_of(shown).startswith(alert)
