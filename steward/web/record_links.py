"""Links another app offers on a record's page to the person reading it (decision 0128):
the satisfaction surveys' "Rate" on a resolved incident or a completed request, for its
requester while the survey waits for an answer.

The record's app asks by the record's kind and id; the offering app registers when it
starts (``AppConfig.ready``), as the CMDB registers its picker kinds. Neither imports the
other: surveys read incidents and requests, which may not import surveys (pyproject's
import-linter contracts), and a page asking through here reaches no survey module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from steward.core.actor import Actor


@dataclass(frozen=True)
class RecordLink:
    """A link for the record's page: what it says, where it goes, and a short note beside
    it (``until 21 Dec 2026``), all in the reader's language already."""

    label: str
    url: str
    note: str = ""


# ``offer(actor, kind, record_id)``: the links for this reader, [] for none; one statement
# at most (a page calls it once)
Offer = Callable[[Actor, str, int], list[RecordLink]]
_offers: list[Offer] = []


def register(offer: Offer) -> None:
    """An app offers links on other apps' record pages (once per function)."""
    if offer not in _offers:
        _offers.append(offer)


def unregister(offer: Offer) -> None:
    if offer in _offers:
        _offers.remove(offer)


def links_for(actor: Actor, kind: str, record_id: int) -> list[RecordLink]:
    """What the apps offer ``actor`` on the page of the ``kind`` record ``record_id``
    (``incident``, ``request``)."""
    return [link for offer in _offers for link in offer(actor, kind, record_id)]
