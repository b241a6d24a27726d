"""``steward incidents_reindex [NUMBER ...] [--chunk N]``: rebuild search index rows.

Services write the index in the record's transaction; this is the repair tool (after a
restore from a backup taken without the index, or a change to what is indexed).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from steward.incidents.models import Incident
from steward.incidents.services import search_index


class Command(BaseCommand):
    help = "Rebuild the full-text index rows of the given incidents (default: all)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("numbers", nargs="*", help="incident numbers (default: every one)")
        parser.add_argument("--chunk", type=int, default=5000, help="incidents per transaction")

    def handle(self, *args, numbers: list[str], chunk: int, **options) -> None:  # noqa: ANN002, ANN003
        rows = Incident.objects.order_by("id")
        if numbers:
            rows = rows.filter(number__in=[n.strip().upper() for n in numbers])
        ids = list(rows.values_list("id", flat=True))
        done = 0
        for k in range(0, len(ids), chunk):
            with transaction.atomic():
                done += search_index.reindex(ids[k : k + chunk])
        self.stdout.write(f"reindexed {done} incidents")
