"""Steward's settings with the floor's routes added (``--settings`` of the bench server)."""

from steward.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor.urls"
