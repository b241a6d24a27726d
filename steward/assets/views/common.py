"""What every asset page checks first: the reader may see assets at all (404 otherwise,
the page an unknown address gets)."""

from __future__ import annotations

from django.http import HttpRequest

from steward.assets import selectors
from steward.core.actor import Actor
from steward.core.errors import NotFound


def reader(request: HttpRequest) -> Actor:
    actor = request.actor
    if not selectors.can_read(actor):
        raise NotFound()
    return actor
