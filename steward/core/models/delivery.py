"""Delivery bookkeeping: retries with backoff, the dead letter, and leases for sweeps."""

from django.db import models


class Retried(models.Model):
    """A row delivered at least once (an outbox event, a mail): tried again with backoff after
    a failure until ``settings.DELIVERY_RETRY_HORIZON`` has passed since the first failure, then
    dead-lettered for an administrator to look at and retry (``steward/core/retries.py``)."""

    next_attempt_at = models.DateTimeField(null=True, blank=True)  # empty: due now
    failing_since = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True


class Lease(models.Model):
    """A named lock that expires with its holder: held until ``locked_until``, which the live
    holder renews; a holder killed without releasing it blocks nobody past that time."""

    name = models.CharField(max_length=100, primary_key=True)
    holder = models.CharField(max_length=64)
    locked_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} until {self.locked_until:%Y-%m-%d %H:%M:%S}"
