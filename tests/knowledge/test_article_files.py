"""Files of an article for its readers: a requester lists and downloads the files of a
published everyone-article (the help centre's article page shows them, without an upload
form); an agents-only or unpublished article's files are 404 to them, and only agents
attach to articles."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from steward.core.actor import Actor
from steward.core.services import attachment_add
from tests.conftest import api_client_for
from tests.query_counts import queries

SYSTEM = Actor.system("tests")


def attach(article, name="guide.pdf"):
    return attachment_add(
        SYSTEM,
        target=f"article/{article.number}",
        upload=SimpleUploadedFile(name, b"%PDF-1.4 guide"),
        filename=name,
        size=14,
    )


@pytest.fixture
def published(make_article):
    return make_article("Set up the VPN", state="published")


def test_requester_reads_and_downloads_an_everyone_articles_files(
    published, requester_web, agent_web
):
    stored = attach(published)
    page = requester_web.get(f"/knowledge/{published.number}/").content.decode()
    assert f"/attachments/{stored.pk}/" in page
    assert 'name="files"' not in page  # no upload form for readers
    assert requester_web.get(f"/attachments/{stored.pk}/").status_code == 200
    assert 'name="files"' in agent_web.get(f"/knowledge/{published.number}/").content.decode()


def test_agents_only_and_unpublished_files_are_404(make_article, requester_web):
    private = make_article("Reset a switch", state="published", audience="agents")
    draft = make_article("Draft guide")
    for article in (private, draft):
        stored = attach(article)
        assert requester_web.get(f"/attachments/{stored.pk}/").status_code == 404
        assert requester_web.get(f"/knowledge/{article.number}/").status_code == 404


def test_requesters_do_not_attach_to_articles(published, requester_user):
    api = api_client_for(requester_user)
    response = api.post(
        "/api/v1/attachments",
        {"target": f"article/{published.number}", "file": SimpleUploadedFile("x.txt", b"x")},
        content_type=MULTIPART_CONTENT,
    )
    assert response.status_code == 404
    assert requester_web_upload_refused(published, requester_user)


def requester_web_upload_refused(article, user) -> bool:
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.post(
        f"/attachments/article/{article.number}/",
        {"files": SimpleUploadedFile("x.txt", b"x")},
    )
    return response.status_code == 404


def test_article_page_queries_do_not_grow_with_files(published, requester_web):
    attach(published)
    read = lambda: requester_web.get(f"/knowledge/{published.number}/")  # noqa: E731
    queries(read)
    few = queries(read)
    for i in range(5):
        attach(published, f"more-{i}.pdf")
    assert queries(read) == few
