"""The history's names of people, teams, organisations and categories, kept per process.

A record page's history shows each referenced row by its ``str`` (``timeline._names``): one
statement per referenced table on every page. For the models below, whose ``str`` reads
only their own columns and whose every save and delete moves a stamp (``stamps.guard``:
users and organisations ``AUTH``, teams ``TEAMS``, categories ``INCIDENT_CONFIG``), the
names read are kept under those stamps, read once per request with the statement every
request makes: a rename or a deletion committed before a request began is seen by it in
every process, as for every other stamped cache. A model without a stamp (a CI, a service)
is read every time, as before. Keys not found are not kept (read again, shown as before).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from steward.core import stamps

# ``str`` from the row's own columns only (a name, a username with first and last name)
OWN_COLUMNS = frozenset({"core.User", "core.Team", "core.Organisation", "incidents.Category"})
MAX_NAMES = 4_096  # per model; past this its names start again
KEEP = True  # False: every name read from the database (the reference in tests)

# model label -> (its stamps' versions when read, key -> name)
_kept: dict[str, tuple[tuple[int, ...], dict[Any, str]]] = {}
stamps.also_forget(_kept.clear)


def names(
    model: type[models.Model], ids: list, read: Callable[[list], dict[Any, str]]
) -> dict[Any, str]:
    """``read(ids)``, with the names this process read under the current stamps kept."""
    label = model._meta.label
    guards = stamps.guarding(model)
    if not KEEP or label not in OWN_COLUMNS or not guards:
        return read(ids)
    current = stamps.current()  # first: a change after it reloads next time
    version = tuple(current[name] for name in guards)
    seen = _kept.get(label)
    known = seen[1] if seen is not None and seen[0] == version else {}
    missing = [key for key in ids if key not in known]
    if missing:
        found = read(missing)
        if len(known) + len(found) > MAX_NAMES:
            known = {}
        known = {**known, **found}  # a new dict: another thread may be reading the old one
        _kept[label] = (version, known)
    return {key: known[key] for key in ids if key in known}
