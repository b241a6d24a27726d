"""Migration 0022 holds top-level category names unique, and names the repeated ones first
instead of failing on them with a bare IntegrityError."""

import pytest
from django.db import IntegrityError, transaction

from tests.migration_steps import migrate

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("latest_schema_afterwards"),
]

BEFORE = [("incidents", "0021_search_merges_in_the_worker")]
AFTER = [("incidents", "0022_top_level_category_names_are_unique")]


def test_repeated_top_level_names_are_named_and_then_held_unique():
    categories = migrate(BEFORE).get_model("incidents", "Category").objects
    categories.create(name="Kiosks", slug="kiosks")
    twin = categories.create(name="Kiosks", slug="kiosks-2")
    printers = categories.create(name="Printers", slug="printers")
    # the same name under a parent, and in another case, is no repeat: the check's rule
    categories.create(name="Kiosks", slug="printers-kiosks", parent=printers)
    categories.create(name="KIOSKS", slug="kiosks-upper")

    with pytest.raises(RuntimeError, match=r"categories repeat: 'Kiosks'; rename or merge"):
        migrate(AFTER)

    categories.filter(pk=twin.pk).update(name="Kiosk printers")
    categories = migrate(AFTER).get_model("incidents", "Category").objects
    with pytest.raises(IntegrityError), transaction.atomic():
        categories.create(name="Kiosks", slug="kiosks-3")
    assert categories.filter(name="Kiosks").count() == 2  # the top-level one, and its namesake
