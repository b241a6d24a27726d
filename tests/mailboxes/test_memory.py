"""Memory stays flat while mail is ingested (issue 16): what one message leaves behind is
freed or bounded, so the live Python allocations after the warm-up do not grow with the
number of messages. Each typical message has its own multipart boundary and attachment
file name, values that never repeat: a cache keyed by them must stay small."""

from __future__ import annotations

import gc
import re
import tracemalloc

import pytest

from steward.mailboxes.services import mail_ingest, parsing
from tests.mailboxes.conftest import eml

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 16


def typical(n: int) -> bytes:
    """Text with an HTML alternative, every other one with a PDF (its own file name)."""
    text = f"The printer on floor {n % 9} shows an error (case {n})."
    return eml(
        sender=f"Caller {n % 7} <caller{n % 7}@example.com>",
        subject=f"Printer does not work ({n})",
        body=text,
        html=f"<p>{text}</p>",
        attachments=[(f"report-{n}.pdf", "application/pdf", PDF)] if n % 2 else [],
    )


def growth(step, warm: int, measured: int) -> int:
    """Bytes still allocated after ``measured`` calls of ``step``, past ``warm`` calls. The
    standard library's own regex cache is emptied before each reading: the parser compiles
    a regex for each boundary, which ``re`` keeps (up to 512 of them, its own bound), and a
    short run would count that cache filling as growth. Emptied at the two readings, not
    after every call: the same figure (the patterns compiled in between are freed before the
    second reading), without recompiling every pattern the email package uses for every
    message under tracemalloc, which made these two tests the suite's slowest (7x slower)."""
    tracemalloc.start()
    try:
        for n in range(warm):
            step(n)
        re.purge()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for n in range(warm, warm + measured):
            step(n)
        re.purge()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_parsing_keeps_no_memory_per_message():
    standard: list[bool] = []

    def step(n: int) -> None:
        parsed = parsing.parse_head(typical(n))
        parsing.parse_body(parsed)
        standard.append(parsed.message.standard)

    grown = growth(step, warm=100, measured=100)

    # a 1,024-entry cache of parsed headers (before decision 0025) grew ~1.7 MB here, about
    # 13 KB an entry; the quick parse keeps no header objects at all
    assert grown < 200 * 1024, f"{grown / 1024:.0f} KB kept by 100 messages"
    assert not any(standard)  # typical mail took the quick path, which is what is measured


@pytest.mark.django_db
def test_ingestion_keeps_no_memory_per_message(mailbox):
    grown = growth(lambda n: mail_ingest(mailbox, typical(n)), warm=40, measured=40)

    assert grown < 300 * 1024, f"{grown / 1024:.0f} KB kept by 40 messages"
