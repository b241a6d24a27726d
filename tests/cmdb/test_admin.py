"""Operators read CIs, classes and relationship types in the Django admin; every write of
those goes through the services, so the admin offers no add, change or delete. Import
sources' precedence is edited there."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.cmdb.models import CIClass, ImportSource, RelationshipType
from tests import factories
from tests.cmdb.conftest import make_ci


@pytest.fixture
def operator(db):
    client = Client()
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    return client


def test_operators_list_and_read_cis(operator):
    ci = make_ci("server", name="srv-admin")

    listing = operator.get("/admin/cmdb/configurationitem/")
    one = operator.get(f"/admin/cmdb/configurationitem/{ci.pk}/change/")

    assert listing.status_code == 200
    assert ci.number.encode() in listing.content
    assert one.status_code == 200
    assert b'name="_save"' not in one.content  # shown, not editable


@pytest.mark.parametrize("model", ["configurationitem", "ciclass", "relationshiptype"])
def test_the_admin_cannot_add_cis_classes_or_relationship_types(operator, model):
    assert operator.get(f"/admin/cmdb/{model}/add/").status_code == 403


def test_the_admin_cannot_change_or_delete_a_class_or_a_relationship_type(operator):
    server = CIClass.objects.get(slug="server")
    runs_on = RelationshipType.objects.get(slug="runs_on")

    renamed = operator.post(f"/admin/cmdb/ciclass/{server.pk}/change/", {"name": "Box"})
    deleted = operator.post(f"/admin/cmdb/relationshiptype/{runs_on.pk}/delete/", {"post": "yes"})

    assert (renamed.status_code, deleted.status_code) == (403, 403)
    server.refresh_from_db()
    assert server.name == "Server"
    assert RelationshipType.objects.filter(pk=runs_on.pk).exists()


def test_operators_tune_an_import_sources_precedence_but_never_delete_it(operator):
    source = ImportSource.objects.get(name="spreadsheet")

    saved = operator.post(
        f"/admin/cmdb/importsource/{source.pk}/change/",
        {
            "name": source.name,
            "label": source.label,
            "description": source.description,
            "precedence": 60,
            "attribute_precedence": "{}",
        },
    )

    assert saved.status_code == 302, saved.content
    source.refresh_from_db()
    assert source.precedence == 60
    assert operator.get(f"/admin/cmdb/importsource/{source.pk}/delete/").status_code == 403
