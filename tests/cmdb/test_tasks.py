"""The CMDB's housekeeping job: an uploaded import file that was checked but never applied
is deleted after a day; a file still waiting for "apply" is kept."""

from __future__ import annotations

import datetime as dt
import os

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from steward.cmdb import tasks
from steward.cmdb.imports import stash


def _age(user_id: int, token: str, hours: float) -> None:
    path = default_storage.path(f"{stash.FOLDER}/{user_id}-{token}{stash.SUFFIX}")
    then = (dt.datetime.now() - dt.timedelta(hours=hours)).timestamp()
    os.utime(path, (then, then))


def test_an_import_file_not_applied_within_a_day_is_deleted(db):
    old = stash.keep(7, b"name,ci_class\nsrv,server\n")
    fresh = stash.keep(7, b"name,ci_class\nsrv2,server\n")
    _age(7, old, hours=25)
    _age(7, fresh, hours=23)

    assert tasks.drop_stale_import_files.call_local() == 1

    assert not stash.exists(7, old)
    assert stash.read(7, fresh) == b"name,ci_class\nsrv2,server\n"
    assert tasks.drop_stale_import_files.call_local() == 0


def test_nothing_uploaded_yet_is_nothing_to_delete(db):
    assert tasks.drop_stale_import_files.call_local() == 0


def test_other_files_in_the_folder_are_left_alone(db):
    default_storage.save(f"{stash.FOLDER}/README.txt", ContentFile(b"x"))
    path = default_storage.path(f"{stash.FOLDER}/README.txt")
    os.utime(path, (0, 0))

    assert tasks.drop_stale_import_files.call_local() == 0
    assert default_storage.exists(f"{stash.FOLDER}/README.txt")
