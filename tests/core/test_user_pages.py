"""The administrator's user pages through Django's test client with the real middleware:
listing with search and filters, adding with an invitation or a password, editing roles,
organisation and teams, deactivating and reactivating; anyone else is refused."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from steward.core.models import ApiToken, AuditEntry, OutboxMessage, OutgoingMail, User
from steward.core.services import token_create
from tests import factories
from tests.conftest import as_actor
from tests.web.conftest import PASSWORD, signed_in
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db

USERS = "/administration/users/"


@pytest.fixture
def admin_web(admin_user) -> Client:
    return signed_in(admin_user)


def errors_beside(content: bytes, field: str) -> list[str]:
    """The messages in the ``.field`` holding the input named ``field``."""
    for div in elements(content, "div"):
        if "field" not in div.attrs.get("class", "").split():
            continue
        inputs = [e for e in elements(content) if div in e.ancestors and e.attrs.get("name")]
        if any(i.attrs["name"] == field for i in inputs):
            return [
                text_of(s)
                for s in elements(content, "span", **{"class": "error"})
                if div in s.ancestors
            ]
    raise AssertionError(f"no field {field} on the page")


def new_user(**overrides) -> dict:
    return {
        "username": "grace",
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@example.com",
        "roles": ["agent"],
        "invite": "on",
        **overrides,
    }


@pytest.mark.parametrize(
    "path",
    [
        "/administration/",
        USERS,
        f"{USERS}new/",
        f"{USERS}root/",
    ],
)
@pytest.mark.parametrize("role", ["agent", "requester"])
def test_only_administrators_reach_the_pages(path, role, admin_user):
    user = factories.agent(username="a1") if role == "agent" else factories.requester()
    response = signed_in(user).get(path)
    assert response.status_code == 403
    assert b"Only administrators may" in response.content


@pytest.mark.parametrize("path", ["/administration/", USERS, f"{USERS}root/"])
def test_signed_out_people_are_sent_to_sign_in(client, admin_user, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/login/?next=")


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (f"{USERS}new/", new_user()),
        (f"{USERS}root/active/", {"is_active": "false"}),
        (f"{USERS}root/invite/", {}),
    ],
)
def test_an_agent_cannot_write_through_the_pages(path, data, admin_user):
    agent = signed_in(factories.agent(username="a1"))
    response = agent.post(path, data)
    assert response.status_code == 403
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert not User.objects.filter(username="grace").exists()
    assert not OutgoingMail.objects.exists()


def test_the_list_searches_and_filters_by_role_and_status(admin_web, admin_user):
    factories.agent(username="ada", first_name="Ada", last_name="Lovelace")
    factories.requester(username="alice", first_name="Alice", last_name="Smith")
    factories.requester(username="gone", first_name="Old", last_name="Timer", is_active=False)

    everyone = admin_web.get(USERS)
    requesters = admin_web.get(USERS, {"role": "requester"})
    found = admin_web.get(USERS, {"q": "lovel"})
    inactive = admin_web.get(USERS, {"is_active": "false"})

    def names(response) -> list[str]:
        return [text_of(a) for a in elements(response.content, "a") if a.inside("tbody")]

    root = admin_user.get_full_name()
    assert names(everyone) == ["Ada Lovelace", "Alice Smith", "Old Timer", root]  # by username
    assert names(requesters) == ["Alice Smith", "Old Timer"]
    assert names(found) == ["Ada Lovelace"]
    assert names(inactive) == ["Old Timer"]
    assert b"Deactivated" in inactive.content


def test_an_unknown_role_filter_is_named_beside_its_field(admin_web):
    response = admin_web.get(USERS, {"role": "wizard"})
    assert response.status_code == 422
    alerts = [text_of(e) for e in elements(response.content, "span", role="alert")]
    assert alerts == ["Role: unknown value 'wizard'"]


def test_adding_a_person_with_an_invitation_mails_a_set_password_link(admin_web):
    team = factories.TeamFactory(name="Network", slug="network")
    org = factories.OrganisationFactory(name="Acme", slug="acme")

    response = admin_web.post(
        f"{USERS}new/", new_user(organisation="acme", teams=["network"], roles=["agent"])
    )

    assert response.status_code == 303
    assert response["Location"] == f"{USERS}grace/"
    grace = User.objects.get(username="grace")
    assert not grace.has_usable_password()
    assert grace.organisation == org
    assert list(grace.teams.all()) == [team]
    assert grace.role_names == {"agent"}
    created = AuditEntry.objects.get(object_id=str(grace.pk), action="create")
    assert created.changes["teams"] == [None, ["network"]]
    assert AuditEntry.objects.filter(object_id=str(grace.pk), changes__has_key="invitation")
    assert OutboxMessage.objects.filter(topic="user.invited", object_id=str(grace.pk)).exists()
    mail = OutgoingMail.objects.get(recipient="grace@example.com", kind="invitation")
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.body).group(1)
    page = admin_web.get(response["Location"])
    assert "an invitation went to grace@example.com" in page.content.decode()

    # the person follows the link and chooses a password, then signs in
    person = Client()
    checked = person.get(link)
    assert checked.status_code == 302
    person.post(
        checked.url,
        {"new_password1": "a-long-passphrase-77", "new_password2": "a-long-passphrase-77"},
    )
    grace.refresh_from_db()
    assert grace.check_password("a-long-passphrase-77")


def test_adding_a_person_with_a_password_sends_no_mail(admin_web):
    response = admin_web.post(
        f"{USERS}new/", new_user(invite="", password="a-long-passphrase-77", email="")
    )
    assert response.status_code == 303
    assert User.objects.get(username="grace").check_password("a-long-passphrase-77")
    assert not OutgoingMail.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (new_user(email=""), "email", "needed to send the invitation"),
        (new_user(invite=""), "password", "set a password, or send an invitation instead"),
        (new_user(username="root"), "username", "already taken"),
        (new_user(roles=[]), "roles", "This field is required."),
        (new_user(roles=["requester"], teams=["network"]), "teams",
         "only agents can be team members; give an agent role"),
        (new_user(invite="", password="short"), "password",
         "This password is too short. It must contain at least 8 characters."),
    ],
    ids=["invite-without-email", "no-password", "taken", "no-role", "requester-in-team", "weak"],
)  # fmt: skip
def test_a_refused_person_is_named_beside_the_field_and_nothing_is_written(
    admin_web, data, field, message
):
    factories.TeamFactory(name="Network", slug="network")
    before = User.objects.count()

    response = admin_web.post(f"{USERS}new/", data)

    assert response.status_code == 422
    assert message in errors_beside(response.content, field)
    assert User.objects.count() == before
    assert not OutgoingMail.objects.exists()
    # what was typed is kept
    assert elements(response.content, "input", name="first_name", value="Grace")


def test_editing_roles_organisation_and_teams_saves_only_what_changed(admin_web):
    factories.TeamFactory(name="Network", slug="network")
    factories.OrganisationFactory(name="Acme", slug="acme")
    ada = factories.requester(username="ada", first_name="Ada", last_name="Lovelace")

    page = admin_web.get(f"{USERS}ada/")
    version = elements(page.content, "input", name="version")[0].attrs["value"]
    response = admin_web.post(
        f"{USERS}ada/",
        {
            "version": version,
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": ada.email,
            "organisation": "acme",
            "roles": ["agent", "team_lead"],
            "teams": ["network"],
        },
    )

    assert response.status_code == 303
    ada = User.objects.get(username="ada")
    assert ada.role_names == {"agent", "team_lead"}
    assert ada.organisation.slug == "acme"
    assert [t.slug for t in ada.teams.all()] == ["network"]
    entry = AuditEntry.objects.filter(object_id=str(ada.pk), action="update").get()
    assert set(entry.changes) == {"organisation", "roles", "teams"}
    assert entry.changes["teams"] == [[], ["network"]]


def test_a_stale_edit_offers_a_reload(admin_web):
    ada = factories.agent(username="ada")
    data = {"version": ada.version, "first_name": "A", "last_name": "", "email": "",
            "roles": ["agent"]}  # fmt: skip
    User.objects.filter(pk=ada.pk).update(version=ada.version + 1)
    response = admin_web.post(f"{USERS}ada/", data)
    assert response.status_code == 422
    assert elements(response.content, "a", href=f"{USERS}ada/")
    assert User.objects.get(pk=ada.pk).first_name == "Test"


def test_deactivating_ends_sessions_and_tokens_and_reactivating_lets_them_back(admin_web):
    ada = factories.agent(username="ada")
    session = signed_in(ada)
    assert session.get("/").status_code == 200
    raw = token_create(as_actor(ada), name="script", scopes=["read"])[1]

    response = admin_web.post(f"{USERS}ada/active/", {"is_active": "false"})

    assert response.status_code == 303
    assert response["Location"] == f"{USERS}ada/"
    assert not User.objects.get(pk=ada.pk).is_active
    assert session.get("/").status_code == 302  # signed out
    assert Client().get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert "is deactivated" in admin_web.get(f"{USERS}ada/").content.decode()

    admin_web.post(f"{USERS}ada/active/", {"is_active": "true"})
    assert User.objects.get(pk=ada.pk).is_active
    assert Client().login(username="ada", password=PASSWORD)
    assert ApiToken.objects.filter(user=ada).exists()  # kept, but issued before: still ended
    assert Client().get("/api/v1/users/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_an_administrator_cannot_deactivate_themselves(admin_web, admin_user):
    response = admin_web.post(f"{USERS}root/active/", {"is_active": "false"}, follow=True)
    assert "You cannot deactivate your own account" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_a_new_invitation_can_be_sent_and_needs_an_address(admin_web):
    factories.agent(username="ada", email="ada@example.com")
    factories.agent(username="bob", email="")

    sent = admin_web.post(f"{USERS}ada/invite/", follow=True)
    refused = admin_web.post(f"{USERS}bob/invite/", follow=True)

    assert "An invitation went to ada@example.com" in sent.content.decode()
    assert OutgoingMail.objects.filter(recipient="ada@example.com", kind="invitation").exists()
    assert "No invitation sent: needed to send the invitation." in refused.content.decode()


def test_a_person_who_does_not_exist_is_the_404_page(admin_web):
    assert admin_web.get(f"{USERS}nobody/").status_code == 404
    assert admin_web.post(f"{USERS}nobody/active/", {"is_active": "false"}).status_code == 404


def test_names_are_escaped(admin_web):
    factories.agent(username="evil", first_name="<script>x</script>", last_name="")
    listing = admin_web.get(USERS).content.decode()
    assert "<script>x</script>" not in listing
    assert "&lt;script&gt;x&lt;/script&gt;" in listing


def test_the_forms_carry_a_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    assert client.post(f"{USERS}new/", new_user()).status_code == 403
    page = client.get(f"{USERS}new/")
    assert elements(page.content, "input", name="csrfmiddlewaretoken")


def test_a_retired_team_is_kept_when_editing_but_cannot_be_joined(admin_web):
    old = factories.TeamFactory(name="Old desk", slug="old-desk", is_active=False)
    ada = factories.agent(username="ada", first_name="Ada", last_name="L")
    old.members.add(ada)
    factories.agent(username="bob")
    form = {"first_name": "Ada", "last_name": "L", "email": ada.email, "roles": ["agent"]}

    kept = admin_web.post(f"{USERS}ada/", {**form, "version": ada.version, "first_name": "A",
                                          "teams": ["old-desk"]})  # fmt: skip
    joined = admin_web.post(f"{USERS}bob/", {**form, "version": 1, "teams": ["old-desk"]})

    assert kept.status_code == 303
    assert list(User.objects.get(username="ada").teams.all()) == [old]
    assert joined.status_code == 422
    assert "old-desk" not in [o.attrs.get("value") for o in elements(joined.content, "input")]
    assert not User.objects.get(username="bob").teams.exists()


def test_the_form_edits_department_location_and_served_organisations(admin_web):
    from steward.core.models import Department, Location

    acme = factories.OrganisationFactory(slug="acme", name="Acme")
    globex = factories.OrganisationFactory(slug="globex", name="Globex")
    sales = Department.objects.create(organisation=acme, name="Sales")
    hq = Location.objects.create(name="Acme HQ", organisation=acme)
    person = factories.agent(username="dora", organisation=acme)
    page = admin_web.get(f"{USERS}dora/")
    version = re.search(r'name="version" value="(\d+)"', page.content.decode()).group(1)
    assert "Acme · Sales" in page.content.decode()

    saved = admin_web.post(
        f"{USERS}dora/",
        {
            "version": version,
            "organisation": "acme",
            "department": str(sales.pk),
            "location": str(hq.pk),
            "roles": ["agent"],
            "served_organisations": ["globex"],
        },
    )

    assert saved.status_code == 303, saved.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.department, person.location) == (sales, hq)
    assert list(person.served_organisations.all()) == [globex]
    entry = AuditEntry.objects.filter(object_id=str(person.pk)).latest("id")
    assert entry.changes["served_organisations"] == [[], ["globex"]]


def test_a_department_of_another_organisation_is_refused_beside_its_field(admin_web):
    from steward.core.models import Department

    factories.OrganisationFactory(slug="acme", name="Acme")
    globex = factories.OrganisationFactory(slug="globex", name="Globex")
    theirs = Department.objects.create(organisation=globex, name="Legal")
    person = factories.agent(username="dora", organisation=None)
    page = admin_web.get(f"{USERS}dora/")
    version = re.search(r'name="version" value="(\d+)"', page.content.decode()).group(1)

    refused = admin_web.post(
        f"{USERS}dora/",
        {
            "version": version,
            "organisation": "acme",
            "department": str(theirs.pk),
            "roles": ["agent"],
        },
    )

    assert refused.status_code == 422
    assert errors_beside(refused.content, "department") == [
        "not a department of the person's organisation"
    ]
    person.refresh_from_db()
    assert person.department is None
    assert person.organisation is None
