"""The services' refusals and the import summaries speak the reader's language (decision
0026): the catalogue's, assets', CMDB's, mailboxes', knowledge's and problems' messages are marked
where they are raised, so a German person reads them in German and an English one in
English. The language is the one the middleware activates for the person (their profile's),
as a request does; a field's name never changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from steward.assets.services import stock_count_start
from steward.assets.services.imports import import_assets
from steward.catalog.services import service_create
from steward.cmdb.imports import import_cis
from steward.cmdb.services import ci_create
from steward.core.choices import Role
from steward.core.errors import DomainError
from steward.knowledge.services import article_create
from steward.mailboxes.services import mailbox_create
from steward.problems.services import problem_create
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
