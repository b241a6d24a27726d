"""The requester's "Report a problem" form: the affected service picked by name (among the
services she may name) and files attached while reporting, the incident and its files
stored together or not at all."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from steward.cmdb.models import ConfigurationItem
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.core.models import Attachment
from steward.core.services import team_create
from steward.incidents.models import Incident
from tests import factories
from tests.query_counts import queries
from tests.web.html import elements

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


@pytest.fixture
def me(requester_user):
    client = Client()
    client.force_login(requester_user)
    return client


@pytest.fixture
def network(admin_actor):
    return team_create(admin_actor, name="Network", slug="network")


@pytest.fixture
def service_desk(admin_actor):
    return team_create(admin_actor, name="Service Desk", slug="service-desk")


@pytest.fixture
def shop(network):
    return ci_create(SYSTEM, name="Web shop", ci_class="business_service", support_team="network")


@pytest.fixture
def elsewhere(shop):
    """A service of another organisation: not hers to name."""
    other = factories.OrganisationFactory(name="Other Co", slug="other-co")
    service = ci_create(SYSTEM, name="Web portal", ci_class="business_service")
    ConfigurationItem.objects.filter(pk=service.pk).update(organisation=other)
    return service


def _file(name: str = "dock.txt", body: bytes = b"model WD19, light off\n"):
    return SimpleUploadedFile(name, body, content_type="text/plain")


def _errors(page: bytes, name: str) -> list[str]:
    """The error texts shown in the field wrapper holding the input named ``name``."""
    html = page.decode()
    start = html.index(f'name="{name}"')
    field = html[html.rindex('<div class="field', 0, start) : html.index("</div>", start)]
    return [e.text for e in elements(field, "span") if "error" in e.attrs.get("class", "")]


def test_her_form_offers_the_service_picker_and_a_drop_zone(me):
    page = me.get("/incidents/new/").content
    form = elements(page, "form", action="/incidents/new/")[0]
    assert form.attrs["enctype"] == "multipart/form-data"
    box = elements(page, "input", name="affected_service_label")[0]
    assert box.attrs["role"] == "combobox"
    assert box.attrs["hx-get"] == "/pick/service/"
    assert elements(page, "input", name="affected_service")[0].attrs["type"] == "hidden"
    files = elements(page, "input", name="files")[0]
    assert (files.attrs["type"], "multiple" in files.attrs) == ("file", True)
    assert b"data-dropzone" in page
    assert b"Attachments" in page


def test_the_picker_offers_her_the_services_she_may_name_only(me, shop, elsewhere):
    ci_create(SYSTEM, name="Web server 01", ci_class="server")
    found = me.get("/pick/service/", {"q": "web", "for": "id_affected_service"})
    assert found.status_code == 200
    offered = [e.attrs.get("data-key") for e in elements(found.content, "li")]
    assert offered == [shop.number]  # not another organisation's, not a server
    assert b"Web shop" in found.content


def test_she_reports_with_a_service_and_files_routed_to_its_support_team(
    me, requester_user, shop, network, service_desk
):
    page = me.post(
        "/incidents/new/",
        {
            "title": "Checkout fails",
            "affected_service": shop.number,
            "files": [_file(), _file("screen.txt", b"error 500\n")],
        },
    )
    assert page.status_code == 303
    incident = Incident.objects.get()
    assert page["Location"] == f"/incidents/{incident.number}/"
    # no category rule: the service's support team, not the service desk
    assert (incident.affected_service, incident.team) == (shop, network)
    stored = Attachment.objects.filter(object_id=str(incident.pk)).order_by("filename")
    assert [(a.filename, a.size, a.uploaded_by) for a in stored] == [
        ("dock.txt", 22, requester_user),
        ("screen.txt", 10, requester_user),
    ]
    shown = me.get(page["Location"]).content.decode()
    for text in ("Web shop", "dock.txt", "screen.txt"):
        assert text in shown


def test_the_service_picked_by_name_reaches_the_service(me, shop, service_desk):
    # what the picker sends: the key, the box's text and what it showed when picked
    page = me.post(
        "/incidents/new/",
        {
            "title": "Checkout fails",
            "affected_service": shop.number,
            "affected_service_label": "Web shop",
            "affected_service_shown": "Web shop",
        },
    )
    assert page.status_code == 303
    assert Incident.objects.get().affected_service == shop


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("CI9999999", "No service is named “CI9999999”. Check the name or number."),
        # as she typed it: the upper-cased "WEB PORTAL" the lookup used was not her words
        ("Web portal", "No service is named “Web portal”. Check the name or number."),
    ],
)
def test_an_unknown_service_is_refused_on_its_field(me, key, message, service_desk):
    page = me.post(
        "/incidents/new/", {"title": "Checkout fails", "affected_service": key, "files": [_file()]}
    )
    assert page.status_code == 422
    assert [message] == _errors(page.content, "affected_service_label")
    assert not Incident.objects.exists()
    assert not Attachment.objects.exists()


def test_a_service_she_may_not_see_is_refused_like_an_unknown_one(me, elsewhere, service_desk):
    page = me.post(
        "/incidents/new/", {"title": "Portal down", "affected_service": elsewhere.number}
    )
    assert page.status_code == 422
    assert _errors(page.content, "affected_service_label") == [
        f"No service is named “{elsewhere.number}”. Check the name or number."
    ]
    assert "Other Co" not in page.content.decode()
    assert not Incident.objects.exists()


def test_an_unknown_service_is_refused_in_her_language(requester_user, service_desk):
    requester_user.language = "de"
    requester_user.save(update_fields=["language"])
    german = Client()
    german.force_login(requester_user)
    page = german.post("/incidents/new/", {"title": "Kasse", "affected_service": "Webshop"})
    assert page.status_code == 422
    assert _errors(page.content, "affected_service_label") == [
        "Kein Service heißt „Webshop“. Prüfen Sie Name oder Nummer."
    ]


def test_a_ci_that_is_not_a_service_is_refused(me, service_desk):
    server = ci_create(SYSTEM, name="Web server 01", ci_class="server")
    page = me.post("/incidents/new/", {"title": "Slow", "affected_service": server.number})
    assert page.status_code == 422
    assert "not a business service" in " ".join(_errors(page.content, "affected_service_label"))


def _files_on_disk(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_oversize_file_writes_nothing_and_names_the_field(me, settings, service_desk, shop):
    settings.MAX_UPLOAD_BYTES = 100
    page = me.post(
        "/incidents/new/",
        {
            "title": "Checkout fails",
            "affected_service": shop.number,
            # the first file is stored before the second is refused: it must go again
            "files": [_file("small.txt", b"ok\n"), _file("big.txt", b"x" * 101)],
        },
    )
    assert page.status_code == 422
    assert _errors(page.content, "files") == ["big.txt: too large"]
    assert not Incident.objects.exists()
    assert not Attachment.objects.exists()
    assert _files_on_disk(settings) == []  # no orphan file
    # the form again with what she typed, on its own address
    assert elements(page.content, "input", name="title")[0].attrs["value"] == "Checkout fails"
    assert elements(page.content, "input", name="affected_service")[0].attrs["value"] == (
        shop.number
    )


def test_an_empty_file_is_refused_on_the_field(me, settings, service_desk):
    page = me.post("/incidents/new/", {"title": "Blank", "files": [_file("empty.txt", b"")]})
    assert page.status_code == 422
    assert "empty.txt: is empty" in _errors(page.content, "files")
    assert not Incident.objects.exists()
    assert _files_on_disk(settings) == []


def test_a_form_error_stores_no_file(me, settings, service_desk):
    page = me.post("/incidents/new/", {"title": "", "files": [_file()]})
    assert page.status_code == 422
    assert _errors(page.content, "title")
    assert not Attachment.objects.exists()
    assert _files_on_disk(settings) == []


def test_too_many_files_at_once_are_refused(me, service_desk):
    many = [_file(f"f{i}.txt") for i in range(11)]
    page = me.post("/incidents/new/", {"title": "Many", "files": many})
    assert page.status_code == 422
    assert _errors(page.content, "files") == ["at most 10 files at once"]
    assert not Incident.objects.exists()


def test_a_files_unsafe_name_is_made_safe(me, service_desk):
    page = me.post("/incidents/new/", {"title": "Odd", "files": [_file("../../etc/passwd")]})
    assert page.status_code == 303
    assert "/" not in Attachment.objects.get().filename


def test_the_agents_form_has_no_file_field(web):
    page = web.get("/incidents/new/").content
    assert not elements(page, "input", name="files")
    assert elements(page, "input", name="affected_service_label")


def test_statements_of_her_form_and_of_her_service_picker(me, shop):
    me.get("/incidents/new/")  # warm: the first read fills the per-process session caches
    page = queries(lambda: me.get("/incidents/new/"))
    for n in range(5):
        ci_create(SYSTEM, name=f"Web app {n}", ci_class="business_service")
    picker = queries(lambda: me.get("/pick/service/", {"q": "web"}))
    # the cache stamps and the categories (her session, user, roles and served organisations
    # come from the per-process caches: steward/core/sessions.py); the picker: the stamps,
    # the service classes and one read of the services
    assert page == 2, page
    assert picker == 3, picker
    # the same with more services to offer: no query per suggestion
    for n in range(5, 9):
        ci_create(SYSTEM, name=f"Web app {n}", ci_class="business_service")
    assert queries(lambda: me.get("/pick/service/", {"q": "web"})) == picker
    assert "Web app 8" in me.get("/pick/service/", {"q": "web"}).content.decode()
