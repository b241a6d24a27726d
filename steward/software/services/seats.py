"""Seats freed: an installation on a retired device, or on an asset checked in or retired,
stops counting (``freed_at``); a device brought back to life counts again.

Called by the outbox consumers in ``tasks.py`` (after commit, at least once): every function
here is idempotent, one UPDATE per call whatever the number of installations.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from steward.cmdb.choices import CIStatus
from steward.software.choices import FreedBy
from steward.software.models import Installation


@transaction.atomic
def seats_sync_for_cis(ci_ids: Iterable[int]) -> tuple[int, int]:
    """Free the seats of those CIs that are retired, and give back the seats that a
    retirement freed on those that are no longer retired; (freed, restored)."""
    ids = list(ci_ids)
    if not ids:
        return 0, 0
    on = Installation.objects.filter(device_id__in=ids)
    freed = on.filter(freed_at__isnull=True, device__status=CIStatus.RETIRED).update(
        freed_at=timezone.now(), freed_by=FreedBy.CI_RETIRED
    )
    restored = (
        on.filter(freed_by=FreedBy.CI_RETIRED)
        .exclude(device__status=CIStatus.RETIRED)
        .update(freed_at=None, freed_by="")
    )
    return freed, restored


@transaction.atomic
def seats_free_for_device(ci_id: int, *, reason: str) -> int:
    """Free every counting seat on one device (an asset checked in or retired)."""
    if reason not in FreedBy.values:
        raise ValueError(reason)
    return Installation.objects.filter(device_id=ci_id, freed_at__isnull=True).update(
        freed_at=timezone.now(), freed_by=reason
    )
