"""The people pages' controls no other journey drives (tests/journeys/controls.py): the teams
list's filter and a new team's email and lead picked by name; each member's "Remove"; the
users list's pager and filters; a new person with a password, department, location and the
organisations served, then every field of her form, deactivated, found, reactivated and
invited again; a person's own profile and an API token. Clicking and typing, read back."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.journeys.steps import (
    dates_in_house_style,
    heading,
    no_error_on_page,
    open_module,
    pick,
    sign_in,
    swapped,
)

pytestmark = [pytest.mark.browser]

# the agents shown on the teams the journeys open (Network, the CAB, a new team with Sam
# Desk): each one's "Remove" is a control of the team page
MEMBERS = (
    "Cara Change",
    "Chloe Ivanova",
    "Emma Singh",
    "Felix Jensen",
    "Greta Brown",
    "Hannah Dubois",
    "Lee Lead",
    "Marco Tanaka",
    "Nina Miller",
    "Paula Schmidt",
    "Sam Desk",
)


def staff(slug: str, names: tuple[str, ...]) -> None:
    """The journey's precondition: the agents of ``names`` made members of the team."""
    from steward.core.actor import Actor
    from steward.core.models import User
    from steward.core.services.teams import team_add_member

    admin = Actor(user=User.objects.get(username="admin"))
    for name in names:
        first, last = name.split(" ", 1)
        agents = User.objects.filter(groups__name="agent", is_active=True)
        person = agents.filter(first_name=first, last_name=last).order_by("id").first()
        team_add_member(admin, slug=slug, username=person.username)


def test_administrator_makes_a_project_team_then_disbands_it_member_by_member(page):
    sign_in(page, "admin")
    open_module(page, "Teams")
    heading(page, "Teams")
    rows = page.locator("#team-rows tr")
    everyone = rows.count()
    page.get_by_label("Filter teams").fill("netw")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Network")
    swapped(page)
    page.get_by_label("Filter teams").fill("")
    expect(rows).to_have_count(everyone)

    page.get_by_text("New team").click()
    page.get_by_label("Name").fill("Migration squad")
    page.get_by_label("Email", exact=True).fill("migration@example.com")
    # led by an agent no journey signs in as: the lead's home would list this team first
    pick(page, page.get_by_role("combobox", name="Lead"), "Greta B", re.compile("^Greta Brown"))
    page.get_by_label("Description").fill("Moves the file servers to the new storage.")
    page.get_by_role("button", name="Create team").click()
    heading(page, "Migration squad")
    no_error_on_page(page)
    expect(page.locator("p.muted").first).to_have_text("Lead: Greta Brown · migration@example.com")

    # staffed through the product's service, a precondition (adding one by name is a step of
    # test_administrator.py): the page, reloaded, lists all eleven
    staff("migration-squad", MEMBERS)
    page.reload()
    members = page.locator("#members li")
    expect(members).to_have_count(len(MEMBERS))
    expect(page.locator("#members h2")).to_have_text(f"Members · {len(MEMBERS)}")

    # the project ends: each member removed in turn, the list one shorter each time
    for left, name in reversed(list(enumerate(MEMBERS))):
        page.get_by_role("button", name=f"Remove {name}", exact=True).click()
        expect(members.filter(has_text=name)).to_have_count(0)
        expect(page.locator("#members h2")).to_have_text(f"Members · {left}")
        page.wait_for_load_state("networkidle")  # the swapped buttons wired up by htmx
    expect(members).to_have_text(["No members."])
    swapped(page)
    page.get_by_role("link", name="← Teams").click()
    page.get_by_label("Filter teams").fill("migration")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("cell")).to_have_text(
        ["Migration squad", "Greta Brown", "0", "migration@example.com"]
    )


def user_rows(page):
    return page.locator("#rows tr").filter(has=page.get_by_role("link"))


def test_administrator_adds_a_person_edits_every_field_and_deactivates_then_restores_her(page):
    sign_in(page, "admin")
    open_module(page, "Administration")
    page.get_by_role("main").get_by_role("link", name="Users", exact=True).click()
    heading(page, "Users")
    first = user_rows(page).locator("td:nth-child(2)").all_inner_texts()
    assert len(first) == 50, len(first)  # the demo has more than 80 people: two pages
    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_role("link", name="Next page").click()
    expect(pages.get_by_role("link", name="First page")).to_be_visible()
    swapped(page)
    second = user_rows(page).locator("td:nth-child(2)").all_inner_texts()
    assert second, "the next page is empty"
    assert not set(second) & set(first), "the next page repeats people"
    pages.get_by_role("link", name="First page").click()
    expect(user_rows(page).locator("td:nth-child(2)").first).to_have_text(first[0])
    page.get_by_role("combobox", name="Role").select_option(label="Team lead")
    swapped(page)
    no_error_on_page(page)
    for roles in user_rows(page).locator("td:nth-child(4)").all_inner_texts():
        assert "Team lead" in roles, roles
    page.get_by_role("combobox", name="Role").select_option(label="Any role")
    swapped(page)
    # the pager after a filter keeps it, there and back
    pages.get_by_role("link", name="Next page").click()
    swapped(page)
    expect(user_rows(page).locator("td:nth-child(2)")).to_have_text(second)
    pages.get_by_role("link", name="First page").click()
    expect(user_rows(page).locator("td:nth-child(2)").first).to_have_text(first[0])
    expect(page.get_by_role("combobox", name="Role")).to_have_value("")

    page.get_by_role("link", name="New user").click()
    heading(page, "New user")
    page.get_by_label("Username").fill("vera")
    page.get_by_label("First name").fill("Vera")
    page.get_by_label("Last name").fill("Varga")
    page.get_by_label("Email address").fill("vera@example.com")
    page.get_by_label("Organisation", exact=True).select_option(label="Contoso Retail")
    page.get_by_label("Department").select_option(label="Contoso Retail · Finance")
    page.get_by_label("Location").select_option(label="London Office")
    page.get_by_label("Agent", exact=True).check()
    page.get_by_label("Northwind Group", exact=True).check()
    # told in person instead of mailed: a password now, no invitation
    page.get_by_label("Email an invitation to choose a password").uncheck()
    page.get_by_label("Or set a password now").fill("Vera-starts-Monday-7")
    page.get_by_role("button", name="Add user").click()
    heading(page, "Vera Varga")
    no_error_on_page(page)
    expect(page.get_by_role("status")).to_have_text("Vera Varga was added and can sign in now.")
    expect(page.locator("dt:text-is('Password') + dd")).to_have_text("Set")
    department = page.get_by_label("Department").locator("option:checked")
    expect(department).to_have_text("Contoso Retail · Finance")
    expect(page.get_by_label("Location").locator("option:checked")).to_have_text("London Office")
    expect(page.get_by_label("Northwind Group", exact=True)).to_be_checked()

    # married, moved to Berlin and Sales, reporting to Lee, on a team, serving Contoso
    page.get_by_label("First name").fill("Veronika")
    page.get_by_label("Last name").fill("Varga-Klein")
    page.get_by_label("Email address").fill("veronika@example.com")
    page.get_by_label("Department").select_option(label="Contoso Retail · Sales")
    page.get_by_label("Location").select_option(label="Berlin HQ")
    pick(page, page.get_by_role("combobox", name="Manager"), "Lee L", re.compile("^Lee Lead"))
    page.get_by_label("Workplace", exact=True).check()
    page.get_by_label("Northwind Group", exact=True).uncheck()
    page.get_by_label("Contoso Retail", exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    heading(page, "Veronika Varga-Klein")
    expect(page.get_by_role("status")).to_have_text("Saved Veronika Varga-Klein.")
    expect(page.get_by_label("Email address")).to_have_value("veronika@example.com")
    expect(department).to_have_text("Contoso Retail · Sales")
    expect(page.get_by_label("Location").locator("option:checked")).to_have_text("Berlin HQ")
    expect(page.get_by_role("combobox", name="Manager")).to_have_value("Lee Lead")
    expect(page.get_by_label("Workplace", exact=True)).to_be_checked()
    expect(page.get_by_label("Contoso Retail", exact=True)).to_be_checked()
    expect(page.get_by_label("Northwind Group", exact=True)).not_to_be_checked()
    no_error_on_page(page)

    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_contain_text("is deactivated")
    page.get_by_role("link", name="← Users").click()
    page.get_by_role("combobox", name="Status").select_option(label="Deactivated")
    swapped(page)
    row = user_rows(page).filter(has_text="veronika@example.com")
    expect(row.get_by_role("cell").last).to_have_text("Deactivated")
    for status in user_rows(page).locator("td:last-child").all_inner_texts():
        assert status == "Deactivated", status
    row.get_by_role("link", name="Veronika Varga-Klein").click()
    heading(page, "Veronika Varga-Klein")
    page.get_by_role("button", name="Reactivate").click()
    expect(page.locator(".toolbar .chip")).to_have_text("Active")
    page.get_by_role("button", name="Send a new invitation").click()
    expect(page.get_by_role("status")).to_have_text("An invitation went to veronika@example.com.")
    no_error_on_page(page)


def a_quiet_requester() -> str:
    """A Northwind requester no other journey signs in as or mails: the others take the first
    by username, and the problem journey's caller is the last (she must still want mail)."""
    from steward.core.models import User

    people = User.objects.filter(groups__name="requester", organisation__slug="northwind")
    return people.order_by("-username")[1].username


def test_a_person_keeps_her_profile_and_makes_herself_an_api_token(page):
    sign_in(page, a_quiet_requester())
    page.locator("header a[title='Profile and API tokens']").click()
    heading(page, "Your profile")
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("Larsen-Berg")
    page.get_by_label("Email", exact=True).fill("zoe.larsen-berg@example.com")
    page.get_by_label("Phone").fill("+49 30 1234 567")
    notify = page.get_by_label("Email me about my records")
    expect(notify).to_be_checked()
    notify.uncheck()
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state("load")
    heading(page, "Your profile")
    no_error_on_page(page)
    page.reload()
    expect(page.get_by_label("First name")).to_have_value("Zoë")
    expect(page.get_by_label("Last name")).to_have_value("Larsen-Berg")
    expect(page.get_by_label("Email", exact=True)).to_have_value("zoe.larsen-berg@example.com")
    expect(page.get_by_label("Phone")).to_have_value("+49 30 1234 567")
    expect(page.get_by_label("Email me about my records")).not_to_be_checked()
    expect(page.locator("header a[title='Profile and API tokens']")).to_have_text("Zoë Larsen-Berg")

    tokens = page.locator("#tokens")
    expect(tokens).to_contain_text("No tokens yet.")
    tokens.get_by_label("Name").fill("Laptop inventory script")
    tokens.get_by_label("Read and write").check()
    tokens.get_by_label("Expires in days").fill("30")
    tokens.get_by_role("button", name="Create token").click()
    expect(tokens.get_by_role("status")).to_contain_text("Your new token. Copy it now")
    swapped(page)
    row = tokens.locator("tbody tr").filter(has_text="Laptop inventory script")
    expect(row.get_by_role("cell").nth(2)).to_have_text("read, write")
    # the defect: "2027-01-03" here, the only date in that style; now the house style
    due = [dt.date.today() + dt.timedelta(days=days) for days in (29, 30, 31)]
    days = "|".join(f"{d.day} {d:%b %Y}" for d in due)
    expect(row.get_by_role("cell").nth(3)).to_have_text(re.compile(rf"^({days}) \d\d:\d\d$"))
    dates_in_house_style(page)

    # the script is retired: its token revoked (after a confirmation), the row says so
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    expect(row.get_by_role("cell").last).to_have_text("revoked")
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)
