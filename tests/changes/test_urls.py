"""The change pages' URL names: the shared ones every app has (``list``, ``detail``, ``new``,
``edit``) and the app's own, in snake_case like the other apps' names."""

from __future__ import annotations

import re

from steward.changes import urls


def test_the_shared_url_names_are_there():
    names = {p.name for p in urls.urlpatterns}

    assert {"list", "detail", "new", "edit"} <= names


def test_every_url_name_is_snake_case():
    names = [p.name for p in urls.urlpatterns]

    assert [n for n in names if not re.fullmatch(r"[a-z]+(_[a-z]+)*", n)] == []
