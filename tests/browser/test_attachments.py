"""Files on a record in a real browser: the caller attaches two files to her incident by
choosing them, a third by dropping it on the form, sees them listed with size and type, and
downloads one; a refused file is named beside the field and the address stays the record's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from steward.core.models import Attachment
from steward.incidents.services import incident_create
from tests import factories
from tests.browser.accessibility import assert_accessible
from tests.browser.test_shell import sign_in
from tests.conftest import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caller_attaches_files_sees_them_listed_and_downloads_one(page):
    carol = factories.requester(username="carol", first_name="Carol", last_name="Jones")
    incident = incident_create(as_actor(carol), title="Scanner makes stripes")

    sign_in(page, "carol", path=f"/incidents/{incident.number}/")
    card = page.get_by_role("region", name="Attachments")
    expect(card).to_contain_text("No files attached yet.")
    assert_accessible(page)
    with page.expect_file_chooser() as chooser:
        card.get_by_label("Files").click()
    chooser.value.set_files(
        [
            {"name": "scan.txt", "mimeType": "text/plain", "buffer": b"stripes on every page\n"},
            {"name": "error log.txt", "mimeType": "text/plain", "buffer": b"E42 " * 600},
        ]
    )
    expect(card).to_contain_text("Chosen: scan.txt (22 bytes), error log.txt (2.3 KB)")
    card.get_by_role("button", name="Upload").click()

    expect(page).to_have_url(re.compile(rf"/incidents/{incident.number}/$"))  # swapped in place
    rows = page.get_by_role("region", name="Attachments").get_by_role("row")
    expect(rows).to_have_count(3)  # the header and two files
    by_carol = re.compile(r"^Carol Jones · \d+ \w{3} \d{4} \d\d:\d\d$")
    expect(rows.nth(1).get_by_role("cell")).to_have_text(
        ["scan.txt", "22 bytes", "text/plain", by_carol]
    )
    expect(rows.nth(2).get_by_role("cell")).to_have_text(
        ["error log.txt", "2.3 KB", "text/plain", by_carol]
    )
    assert_accessible(page)

    with page.expect_download() as download:
        rows.nth(1).get_by_role("link", name="scan.txt").click()
    assert download.value.suggested_filename == "scan.txt"
    assert Path(download.value.path()).read_bytes() == b"stripes on every page\n"

    # A file dropped on the form fills the input (steward.js), here an empty one: refused.
    form = page.locator("form[data-dropzone]")
    dropped = page.evaluate_handle(
        """() => { const data = new DataTransfer();
                   data.items.add(new File([], "empty.txt", {type: "text/plain"}));
                   return data; }"""
    )
    form.dispatch_event("drop", {"dataTransfer": dropped})
    expect(form).to_contain_text("Chosen: empty.txt (0 bytes)")
    form.get_by_role("button", name="Upload").click()
    field = page.locator("#attachments .field.invalid")
    expect(field.locator(".error")).to_have_text("empty.txt: is empty")
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.number}/$"))
    assert_accessible(page)
    page.reload()  # the address is the record's page: the listed files are still there
    expect(page.get_by_role("region", name="Attachments").get_by_role("row")).to_have_count(3)
    assert sorted(a.filename for a in Attachment.objects.all()) == ["error log.txt", "scan.txt"]
