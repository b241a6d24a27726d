"""The import API, the CSV export (API and web) and the web import page."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.test.utils import CaptureQueriesContext

from steward.cmdb.models import ConfigurationItem
from steward.core.models import AuditEntry
from tests import factories
from tests.cmdb.conftest import make_ci
from tests.conftest import api_client_for
from tests.contract.shape import assert_error

URL = "/api/v1/cis/import"
ROW = {"ci_class": "server", "name": "web01", "fqdn": "web01.example.com", "cpu_count": 4}


@pytest.fixture
def manager(db):
    return factories.UserFactory(roles=["agent", "asset_manager"])


@pytest.fixture
def manager_api(manager):
    return api_client_for(manager)


def test_a_dry_run_answers_the_plan_and_writes_nothing(manager_api):
    response = manager_api.post(f"{URL}?source=discovery&dry_run=true", {"cis": [ROW]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True
    assert body["applied"] is False
    assert body["counts"]["create"] == 1
    assert body["rows"][0]["changes"]["fqdn"] == [None, "web01.example.com"]
    assert not ConfigurationItem.objects.exists()


def test_an_import_creates_then_finds_everything_unchanged(manager_api):
    first = manager_api.post(f"{URL}?source=discovery", {"cis": [ROW]})
    second = manager_api.post(f"{URL}?source=discovery", {"cis": [ROW]})

    assert first.json()["counts"]["create"] == 1
    assert first.json()["applied"] is True
    assert second.json()["counts"]["unchanged"] == 1
    assert ConfigurationItem.objects.get().version == 1
    created = AuditEntry.objects.get(action="create", content_type__model="configurationitem")
    assert created.channel == "api"


def test_bad_rows_are_422_naming_row_and_field_with_the_report(manager_api):
    bad = dict(ROW, cpu_count="many")

    response = manager_api.post(f"{URL}?source=discovery", {"cis": [ROW, bad]})

    error = assert_error(response, 422, "validation_error", field="cis[2].cpu_count")
    assert error["report"]["counts"]["error"] == 1
    assert error["report"]["applied"] is False
    assert not ConfigurationItem.objects.exists()


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        (f"{URL}?source=nmap", {"cis": [ROW]}, "source"),
        (URL, {"cis": [ROW]}, "source"),
        (f"{URL}?source=discovery", {"cis": [ROW], "extra": 1}, "extra"),
        (f"{URL}?source=discovery", {"cis": "nope"}, "cis"),
    ],
    ids=["unknown-source", "no-source", "unknown-field", "not-a-list"],
)
def test_bad_requests_are_422_naming_the_field(manager_api, url, body, field):
    assert_error(manager_api.post(url, body), 422, "validation_error", field=field)


def test_agents_without_the_asset_manager_role_get_403(agent_api, requester_api):
    for client in (agent_api, requester_api):
        response = client.post(f"{URL}?source=discovery&dry_run=true", {"cis": [ROW]})
        assert_error(response, 403, "permission_denied")
    assert not ConfigurationItem.objects.exists()


def test_a_read_only_token_cannot_import(manager):
    client = api_client_for(manager, scopes=("read",))

    response = client.post(f"{URL}?source=discovery", {"cis": [ROW]})

    assert_error(response, 403, "permission_denied")


def test_a_file_upload_imports_csv(manager_api):
    upload = SimpleUploadedFile(
        "servers.csv", b"ci_class,name,fqdn\nserver,web01,web01.example.com\n", "text/csv"
    )

    response = manager_api.post(
        f"{URL}/file?source=discovery", {"file": upload}, content_type=MULTIPART_CONTENT
    )

    assert response.status_code == 200, response.content
    assert ConfigurationItem.objects.get().name == "web01"


def test_a_binary_upload_is_refused(manager_api):
    upload = SimpleUploadedFile("servers.csv", b"%PDF-1.4\x00\x01binary", "text/csv")

    response = manager_api.post(
        f"{URL}/file?source=discovery", {"file": upload}, content_type=MULTIPART_CONTENT
    )

    assert_error(response, 422, "validation_error", field="file")


# --- export --------------------------------------------------------------------------------


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content if not response.streaming else ""
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_is_formula_safe(agent_api):
    make_ci("server", name='=HYPERLINK("http://evil")', attributes={"os_version": "+1-2"})
    make_ci("server", name="@SUM(A1)", description="-2+3", attributes={"fqdn": "\tx"})
    make_ci("server", name="plain", attributes={"cpu_count": -4})

    found = {r["number"]: r for r in rows_of(agent_api.get("/api/v1/cis/export.csv"))}

    names = sorted(r["name"] for r in found.values())
    assert names == ['\'=HYPERLINK("http://evil")', "'@SUM(A1)", "plain"]
    by_name = {r["name"]: r for r in found.values()}
    assert by_name["'@SUM(A1)"]["description"] == "'-2+3"
    assert by_name["'@SUM(A1)"]["fqdn"] == "'\tx"
    assert by_name['\'=HYPERLINK("http://evil")']["os_version"] == "'+1-2"
    assert by_name["plain"]["cpu_count"] == "-4"  # a number is not a formula


def test_the_export_is_scoped_and_filtered_like_the_list(db):
    home, other = factories.OrganisationFactory(), factories.OrganisationFactory()
    agent = factories.agent(organisation=home)
    agent.served_organisations.set([home])
    mine = make_ci("server", organisation=home.slug)
    make_ci("server", organisation=other.slug)
    make_ci("application", organisation=home.slug)

    found = rows_of(api_client_for(agent).get("/api/v1/cis/export.csv", {"class": "server"}))

    assert [r["number"] for r in found] == [mine.number]


def test_the_export_reads_its_rows_in_pages_not_per_ci(agent_api):
    def queries(count: int) -> int:
        ConfigurationItem.objects.all().delete()
        team = factories.TeamFactory()
        for _ in range(count):
            make_ci("server", owner_team=team.slug)
        with CaptureQueriesContext(connection) as captured:
            assert len(rows_of(agent_api.get("/api/v1/cis/export.csv"))) == count
        return len(captured)

    queries(1)  # warm: per-process caches (content types, the token's last use)
    assert queries(3) == queries(25)


def test_the_reimported_export_changes_nothing(manager_api):
    make_ci("server", attributes={"fqdn": "a.example.com", "cpu_count": 2})
    exported = b"".join(manager_api.get("/api/v1/cis/export.csv").streaming_content)
    upload = SimpleUploadedFile("cis.csv", exported, "text/csv")

    response = manager_api.post(
        f"{URL}/file?source=spreadsheet", {"file": upload}, content_type=MULTIPART_CONTENT
    )

    assert response.status_code == 200, response.content
    assert response.json()["counts"]["unchanged"] == 1
    assert response.json()["rows"][0]["matched_on"] == "number"


# --- the web page --------------------------------------------------------------------------


def test_the_web_import_previews_then_applies(manager):
    client = Client()
    client.force_login(manager)
    upload = SimpleUploadedFile("s.csv", b"ci_class,name,fqdn\nserver,w1,w1.example.com\n")

    preview = client.post("/cmdb/import/", {"file": upload, "source": "discovery"})

    assert preview.status_code == 200
    assert b"Plan (dry run)" in preview.content
    assert b"w1.example.com" in preview.content
    assert not ConfigurationItem.objects.exists()
    applied = client.post("/cmdb/import/apply/")
    assert applied.status_code == 200
    assert b"Imported" in applied.content
    assert ConfigurationItem.objects.get().name == "w1"
    again = client.post("/cmdb/import/apply/")  # the stashed file is used once
    assert again.status_code == 422  # refused on the page's form (decision 0010)
    assert b"Nothing to apply: upload the file again." in again.content
    assert b"Imported" not in again.content
    assert ConfigurationItem.objects.count() == 1


def test_the_web_import_shows_errors_and_offers_no_apply(manager):
    client = Client()
    client.force_login(manager)
    upload = SimpleUploadedFile("s.csv", b"ci_class,name,fqdn,cpu_count\nserver,w,w.x,many\n")

    response = client.post("/cmdb/import/", {"file": upload, "source": "discovery"})

    assert response.status_code == 422
    assert b"expected a whole number" in response.content
    assert b"/cmdb/import/apply/" not in response.content


def test_the_web_import_refuses_other_file_types(manager):
    client = Client()
    client.force_login(manager)
    upload = SimpleUploadedFile("s.xlsx", b"PK\x03\x04binary")

    response = client.post("/cmdb/import/", {"file": upload, "source": "discovery"})

    assert response.status_code == 422
    assert b".csv or .json" in response.content


@pytest.mark.parametrize(("who", "status"), [("agent", 403), ("requester", 404)])
def test_the_web_import_is_for_asset_managers(db, who, status):
    user = factories.agent() if who == "agent" else factories.requester()
    client = Client()
    client.force_login(user)

    assert client.get("/cmdb/import/").status_code == status
    assert client.post("/cmdb/import/apply/").status_code == status


def test_the_list_links_to_import_for_managers_and_to_the_export(manager):
    client = Client()
    client.force_login(manager)

    page = client.get("/cmdb/?class=server")

    assert b'href="/cmdb/import/"' in page.content
    assert b"/cmdb/export.csv?class=server" in page.content
    export = client.get("/cmdb/export.csv?class=server")
    assert export["Content-Type"].startswith("text/csv")
