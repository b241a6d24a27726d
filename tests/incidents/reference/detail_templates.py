"""The incident page's templates as main had them before decision 0071 (every field through
``components/field.html``, every address reversed where it is shown), kept to check that the
kept fields and addresses show the same page."""

from __future__ import annotations

import copy
from pathlib import Path

from django.conf import settings
from django.test import override_settings

HERE = Path(__file__).parent / "templates"


def templates_before() -> override_settings:
    """main's ``incidents/detail.html``, ``components/attachments.html`` and ``web/base.html``
    found before the apps' own (the engines are built anew on entering and leaving)."""
    engines = copy.deepcopy(settings.TEMPLATES)
    engines[0]["DIRS"] = [HERE, *engines[0]["DIRS"]]
    return override_settings(TEMPLATES=engines)
