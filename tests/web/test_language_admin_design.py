"""The administrators' design pages read German for a German administrator: the catalogue
item builder and the CI class form were English whatever the language (their strings were
never marked for translation)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories
from tests.web.english_scan import ENGLISH, english_words

# the pages' own English words, beyond the common ones the scan knows (less those German
# writes the same: Name, Quorum, Attribute)
DESIGN = """item catalogue questions question approval stages stage fulfilment tasks task
    orderable audience organisations roles category description label type required
    choices approvers users title leave empty drop rows class classes inherited
    identification keys slug parent active own create refers reference"""
DESIGN_WORDS = ENGLISH | set(DESIGN.split())
# data and codes, not words of the page: class names, the quorum's typed values
DATA = ("Virtual machine", "Business service", "Server", "„any“", "„all“")


@pytest.fixture
def german_admin(db):
    user = factories.admin(username="verwalterin")
    user.language = "de"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/administration/catalog/items/new/",
        "/cmdb/ci-classes/new/",
        "/cmdb/ci-classes/virtual_machine/",  # with what it inherits from Server
    ],
)
def test_the_design_pages_read_german(german_admin, url):
    page = german_admin.get(url)

    assert page.status_code == 200
    # the data on the page stays as it was written (class names, attribute names)
    text = page.content.decode()
    for data in DATA:
        text = text.replace(data, "")
    assert not english_words(text.encode(), DESIGN_WORDS), url
