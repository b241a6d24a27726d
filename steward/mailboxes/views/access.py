"""Mailbox pages are for administrators; anyone else gets the 403 page with the reason (as
the other configuration pages answer)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from steward.core.actor import Actor
from steward.core.services.common import require_admin


def administrator(actor: Actor) -> Actor:
    require_admin(actor, _("configure mailboxes and read received mail"))
    return actor
