"""Where an uploaded import file waits between its dry run and "apply": kept server-side
(never sent back to the browser), named by the uploader's id and a random token, so a token
from another session never opens someone else's file."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "cmdb-imports"
SUFFIX = ".upload"
# how long a checked file waits for "apply"; later, applying asks to upload it again
KEEP_FOR = dt.timedelta(days=1)


def _name(user_id: int, token: str) -> str:
    return f"{FOLDER}/{user_id}-{token}{SUFFIX}"


def keep(user_id: int, data: bytes) -> str:
    """Store the file; return the token that opens it again."""
    token = secrets.token_urlsafe(16)
    default_storage.save(_name(user_id, token), ContentFile(data))
    return token


def exists(user_id: int, token: str) -> bool:
    return default_storage.exists(_name(user_id, token))


def read(user_id: int, token: str) -> bytes:
    with default_storage.open(_name(user_id, token)) as stashed:
        return stashed.read()


def drop(user_id: int, token: str) -> None:
    default_storage.delete(_name(user_id, token))


def drop_older_than(age: dt.timedelta = KEEP_FOR) -> int:
    """Delete the waiting files stored longer ago than ``age``; returns how many went."""
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0  # nothing was ever uploaded
    cutoff = timezone.now() - age
    dropped = 0
    for name in names:
        path = f"{FOLDER}/{name}"
        if name.endswith(SUFFIX) and default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            dropped += 1
    return dropped
