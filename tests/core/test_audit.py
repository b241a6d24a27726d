"""The audit log is append-only, in the database itself."""

import pytest
from django.db import DatabaseError, transaction

from steward.core.models import AuditEntry
from steward.core.services import team_create

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_updated_or_deleted(admin_actor):
    team_create(admin_actor, name="Network")
    entry = AuditEntry.objects.latest("id")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_label="someone else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.get(pk=entry.pk).actor_label == "root"


def test_audit_is_written_in_the_same_transaction(admin_actor):
    def create_then_fail():
        with transaction.atomic():
            team_create(admin_actor, name="Network")
            raise RuntimeError("the caller's transaction fails after the service")

    with pytest.raises(RuntimeError):
        create_then_fail()
    assert not AuditEntry.objects.exists()
