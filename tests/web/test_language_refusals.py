"""The services' refusals and the import summaries speak the reader's language (decision
0026): the catalogue's, assets', CMDB's, mailboxes', knowledge's and problems' messages are marked
where they are raised, so a German person reads them in German and an English one in
English. The language is the one the middleware activates for the person (their profile's),
as a request does; a field's name never changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.html import escape

from steward.assets import services as asset_services
from steward.assets.models import Asset
from steward.assets.services import stock_count_start
from steward.assets.services.imports import import_assets
from steward.assets.views import catalogue as asset_catalogue_views
from steward.catalog.services import service_create
from steward.cmdb.imports import import_cis
from steward.cmdb.services import ci_create
from steward.core.actor import Actor
from steward.core.choices import Channel, Role, Scope
from steward.core.errors import DomainError, PermissionDenied
from steward.events.services import alert_acknowledge, event_ingest
from steward.knowledge.services import article_create
from steward.mailboxes.services import mailbox_create
from steward.problems.services import problem_create
from steward.software.services import product_create
from tests import factories
from tests.conftest import as_actor

# (the service's refusal, for whom, English, German, the field it names or None)
REFUSALS: dict[str, tuple[Callable, str, str, str, str | None]] = {
    "catalog": (
        lambda me: service_create(me, name="Drucken"),
        "agent",
        "Only administrators may change the service portfolio.",
        "Nur Administratoren dürfen das Serviceportfolio ändern.",
        None,
    ),
    "assets": (
        lambda me: stock_count_start(me),
        "asset_manager",
        "a stock room or a location",
        "ein Lagerraum oder ein Standort",
        "stock_room",
    ),
    "cmdb": (
        lambda me: ci_create(me, name="srv-01", ci_class="server"),
        "agent",
        "Only administrators and asset managers change the CMDB.",
        "Nur Administratoren und Asset-Manager ändern die CMDB.",
        None,
    ),
    "mailboxes": (
        lambda me: mailbox_create(me, name="Zentrale", address="keine-adresse", kind="pipe"),
        "admin",
        "not a valid email address",
        "keine gültige E-Mail-Adresse",
        "address",
    ),
    "knowledge": (
        lambda me: article_create(me, title="Drucker", body="Neu starten"),
        "requester",
        "Only agents write knowledge articles.",
        "Nur Bearbeiter schreiben Wissensartikel.",
        None,
    ),
    "problems": (
        lambda me: problem_create(me, title="Drucker fallen aus"),
        "requester",
        "Only agents work on problems.",
        "Nur Bearbeiter arbeiten an Problemen.",
        None,
    ),
}


def _read_only(me) -> Actor:
    """``me``'s reading API token: an agent who sees alerts but may not work them."""
    return Actor(user=me.user, channel=Channel.API, scopes=frozenset({Scope.READ}))


def _ack_read_only(me) -> None:
    sent = event_ingest(
        me, source="nagios", node="web01", resource="disk", severity="warning", summary="Full"
    )
    alert_acknowledge(_read_only(me), pk=sent.alert.pk)


# the permission constants of software and events, said where they are raised (not at import)
REFUSALS |= {
    "software": (
        lambda me: product_create(me, publisher="Adobe", name="Acrobat"),
        "agent",
        "Only asset managers and administrators manage software.",
        "Nur Asset-Manager und Administratoren verwalten Software.",
        None,
    ),
    "events": (
        lambda me: event_ingest(_read_only(me), source="x", node="y", resource="z"),
        "agent",
        "Only agents with a writing token send events.",
        "Nur Bearbeiter mit einem schreibenden Token senden Ereignisse.",
        None,
    ),
    "alerts": (
        _ack_read_only,
        "agent",
        "Only agents work alerts.",
        "Nur Bearbeiter bearbeiten Alarme.",
        None,
    ),
}
ROLES = {
    "agent": [Role.AGENT],
    "asset_manager": [Role.AGENT, Role.ASSET_MANAGER],
    "admin": [Role.ADMIN, Role.AGENT],
    "requester": [Role.REQUESTER],
}


def person(role: str, language: str):
    user = factories.UserFactory(username=f"{role}-{language}", roles=ROLES[role])
    user.language = language
    user.save(update_fields=["language"])
    return user


def refusal(app: str, user) -> DomainError:
    """What the service says to ``user``, in the language a request of theirs has active."""
    call, *_ = REFUSALS[app]
    with translation.override(user.language), pytest.raises(DomainError) as refused:
        call(as_actor(user))
    return refused.value


@pytest.mark.django_db
@pytest.mark.parametrize("app", sorted(REFUSALS))
@pytest.mark.parametrize("language", ["de", "en"])
def test_each_service_refuses_in_the_actor_language(app, language):
    _, role, english, german, field = REFUSALS[app]
    said = german if language == "de" else english
    error = refusal(app, person(role, language))
    if field is None:
        assert error.message == said
    else:
        assert error.fields == {field: [said]}  # the field's name is the same in German


@pytest.mark.django_db
def test_a_refusal_reaches_a_german_page_in_german():
    """Through the web: the catalogue's refusal is the 403 page's reason, in German."""
    client = Client()
    client.force_login(person("agent", "de"))
    answer = client.get("/administration/catalog/")
    assert answer.status_code == 403, answer.status_code
    page = answer.content.decode()
    assert "Nur Administratoren dürfen den Servicekatalog aufbauen." in page
    assert "Only administrators" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "cmdb", "assets"),
    [
        ("de", "0 angelegt, 0 geändert", "0 Assets, 3 Fehler; nichts wurde importiert."),
        ("en", "0 created, 0 updated", "0 assets, 3 errors; nothing was imported."),
    ],
)
def test_import_summaries_read_the_reader_language(language, cmdb, assets):
    """The CMDB's and the assets' import reports sum up in the reader's language (the
    counts and the API's field names stay as they are)."""
    me = as_actor(person("asset_manager", language))
    with translation.override(language):
        cis = import_cis(me, [{"ci_class": "toaster", "name": "y"}], source="discovery")
        rows = import_assets(me, [{"asset_tag": "T-1"}], dry_run=True)
        summaries = cis.summary(), rows.summary()  # read as the page or the API reads them
    said = {"de": "nichts wurde importiert.", "en": "nothing was imported."}[language]
    assert summaries[0].startswith(cmdb), summaries[0]
    assert summaries[0].endswith(said), summaries[0]
    assert summaries[1] == assets


def _disposed_asset_edit() -> str:
    system = Actor.system("tests")
    laptop = asset_services.category_create(system, name="Notebook")
    model = asset_services.model_create(
        system, manufacturer="Dell", name="Latitude", category=laptop.slug
    )
    asset = asset_services.asset_create(
        system, asset_tag="INV-1", serial_number="SN-1", model=model.pk, status="in_stock"
    )
    Asset.objects.filter(pk=asset.pk).update(status="disposed")  # as tests/assets do
    return f"/assets/{asset.number}/edit/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "url", "said"),
    [
        (
            "agent",  # reads software, may not manage it
            lambda: "/software/licences/new/",
            "Nur Asset-Manager und Administratoren verwalten Software.",
        ),
        (
            "asset_manager",
            _disposed_asset_edit,
            "Nur Asset-Manager bearbeiten Assets, ein entsorgtes nicht mehr.",
        ),
    ],
    ids=["software", "disposed-asset"],
)
def test_a_manager_pages_refusal_reaches_a_german_page_in_german(role, url, said):
    """The 403 page's reason of the software and asset pages is German."""
    client = Client()
    client.force_login(person(role, "de"))
    answer = client.get(url())
    assert answer.status_code == 403, answer.status_code
    page = answer.content.decode()
    assert said in page
    assert "Only asset managers" not in page


@pytest.mark.django_db
def test_the_asset_catalogue_forms_refuse_a_reading_token_in_its_language():
    """A reader who may not write (a reading token: a session always writes) is refused
    the category form with a German reason."""
    me = person("asset_manager", "de")
    request = RequestFactory().get("/assets/categories/new/")
    request.user = me
    request.actor = Actor(user=me, channel=Channel.API, scopes=frozenset({Scope.READ}))
    with translation.override("de"), pytest.raises(PermissionDenied) as refused:
        asset_catalogue_views.category_new(request)
    assert refused.value.message == "Nur Asset-Manager ändern Kategorien und Modelle."


BAD_ROWS = (
    "asset_tag,serial_number,manufacturer,model,status,location,stock_room,holds_data,colour\n"
    "T-1,S-1,Nobody,Nothing,deployed,Mars,attic,maybe,red\n"
    "T-1,,,,,,,,,extra\n"
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
def test_the_asset_imports_row_errors_read_the_reader_language(language):
    """Each bad value of an uploaded file is said in the reader's language, by its row and
    field (the field as the file names it)."""
    client = Client()
    client.force_login(person("asset_manager", language))
    upload = SimpleUploadedFile("assets.csv", BAD_ROWS.encode(), content_type="text/csv")
    answer = client.post("/assets/import/", {"file": upload})
    assert answer.status_code == 422, answer.status_code
    errors = {(e["row"], e["field"]): e["message"] for e in answer.context["report"].errors()}
    said = {
        "de": {
            (1, "colour"): "unbekannte Spalte",
            (1, "model"): "kein Modell Nobody Nothing",
            (1, "status"): "on_order oder in_stock",
            (1, "location"): "kein Standort 'Mars'",
            (1, "stock_room"): "kein Lagerraum 'attic'",
            (1, "holds_data"): "yes oder no",
            (2, "row"): "10 Zellen, aber 9 Spalten",
            (2, "serial_number"): "erforderlich",
            (2, "asset_tag"): "ein anderes Asset hat diesen Wert",
        },
        "en": {
            (1, "colour"): "unknown column",
            (1, "model"): "no model Nobody Nothing",
            (1, "status"): "on_order or in_stock",
            (1, "location"): "no location 'Mars'",
            (1, "stock_room"): "no stock room 'attic'",
            (1, "holds_data"): "yes or no",
            (2, "row"): "10 cells but 9 columns",
            (2, "serial_number"): "required",
            (2, "asset_tag"): "another asset has this value",
        },
    }[language]
    assert {k: errors.get(k) for k in said} == said
    page = answer.content.decode()
    for message in said.values():
        assert escape(message) in page
