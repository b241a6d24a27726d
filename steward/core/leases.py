"""Locks that expire with their holder, kept in the database (decision 0002).

huey's ``lock_task`` stores a key without expiry: a worker killed while holding it (SIGKILL,
OOM, a power cut) leaves it held for ever, across restarts. A lease is held until
``locked_until``; the live holder renews it (``held`` yields the function to call), and a
dead holder blocks nobody once that time has passed.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from steward.core.models import Lease

log = logging.getLogger("steward.leases")
Job = TypeVar("Job", bound=Callable[..., Any])


class LeaseHeld(Exception):
    """Another live holder has the lease."""


class LeaseLost(Exception):
    """The lease expired before its holder renewed it, and someone else may hold it now."""


def acquire(name: str, ttl: dt.timedelta) -> str | None:
    """Take the lease if it is free or expired; return the holder's token, or None.

    The token starts with the holder's process id, so an operator (and the fault suite) can
    tell a lease a killed process left behind, which expires at ``locked_until``, from one a
    live process holds."""
    now = timezone.now()
    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    if Lease.objects.filter(name=name, locked_until__lte=now).update(
        holder=token, locked_until=now + ttl
    ):
        return token
    try:
        with transaction.atomic():
            Lease.objects.create(name=name, holder=token, locked_until=now + ttl)
    except IntegrityError:  # it exists and is held
        return None
    return token


def renew(name: str, token: str, ttl: dt.timedelta) -> None:
    """Extend the lease by ``ttl`` from now; ``LeaseLost`` if it is no longer ours."""
    if not Lease.objects.filter(name=name, holder=token).update(locked_until=timezone.now() + ttl):
        raise LeaseLost(name)


def release(name: str, token: str) -> None:
    """Give the lease up at once (a no-op if it is no longer ours)."""
    Lease.objects.filter(name=name, holder=token).delete()


@contextmanager
def held(name: str, ttl: dt.timedelta) -> Iterator[Callable[[], None]]:
    """Hold the lease for the block; ``LeaseHeld`` if another holder has it. Yields ``renew``
    for the holder to call at least once per ``ttl``."""
    token = acquire(name, ttl)
    if token is None:
        raise LeaseHeld(name)
    try:
        yield lambda: renew(name, token, ttl)
    finally:
        release(name, token)


def exclusive(name: str, ttl: dt.timedelta) -> Callable[[Job], Job]:
    """A periodic job, one run at a time: the replacement for huey's ``lock_task``. A run
    that finds the lease held is skipped (returns None). ``ttl`` must exceed the job's longest
    run; a job that may run longer uses ``held`` and renews."""

    def wrap(job: Job) -> Job:
        @functools.wraps(job)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                with held(name, ttl):
                    return job(*args, **kwargs)
            except LeaseHeld:
                log.info("%s skipped: another run holds its lease", name)
                return None

        return run  # type: ignore[return-value]

    return wrap
