"""The shell every page shares: navigation, and assets served by Steward itself (no CDN)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import get_resolver, reverse

from steward.web.navigation import MODULES
from tests import factories
from tests.web.conftest import signed_in
from tests.web.html import elements, navigation, text_of

pytestmark = pytest.mark.django_db

EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.IGNORECASE)


def test_overview_greets_the_user_and_shows_the_navigation(agent_client, agent_user):
    response = agent_client.get("/")

    assert response.status_code == 200
    [h1] = elements(response.content, "h1")
    assert text_of(h1) == f"Good to see you, {agent_user.first_name}"
    nav = navigation(response.content)
    assert nav["Overview"].attrs["aria-current"] == "page"
    assert nav["Teams"].attrs["href"] == "/teams/"


def test_unbuilt_modules_are_greyed_and_not_links(agent_client):
    nav = navigation(agent_client.get("/").content)

    for module in MODULES:
        # role-bound modules are not an agent's (tests/assets: asset managers see Assets)
        if module.requesters_only or module.admins_only or module.asset_managers_only:
            continue
        item = nav[module.label]
        if module.url_name is None:
            assert item.tag == "span", module.label
            assert item.attrs.get("aria-disabled") == "true", module.label
            assert "href" not in item.attrs
        else:
            assert item.tag == "a", module.label
            assert "aria-disabled" not in item.attrs


def test_requester_sees_only_the_modules_for_requesters(requester_client):
    nav = navigation(requester_client.get("/").content)

    assert set(nav) == {m.label for m in MODULES if m.shown_to(is_agent=False)}
    for module in MODULES:
        if module.label in nav:
            disabled = nav[module.label].attrs.get("aria-disabled") == "true"
            assert disabled == (module.url_name is None), module.label


def test_current_module_is_marked_on_team_pages(agent_client):
    factories.TeamFactory(slug="network")
    for path in ("/teams/", "/teams/network/"):
        nav = navigation(agent_client.get(path).content)
        assert nav["Teams"].attrs.get("aria-current") == "page", path
        assert "aria-current" not in nav["Overview"].attrs, path


def test_every_page_of_an_app_lights_its_module_and_only_it(agent_client):
    # incidents and problems both have list views; each lights its own module
    for path, label in (
        ("/incidents/", "Incidents"),
        ("/problems/", "Problems"),
        ("/cmdb/", "CMDB"),
    ):
        nav = navigation(agent_client.get(path).content)
        lit = [name for name, item in nav.items() if item.attrs.get("aria-current") == "page"]
        assert lit == [label], path


def test_superusers_see_the_django_admin_link_others_do_not(agent_client):
    root = factories.admin(username="root", is_staff=True, is_superuser=True)
    staff = factories.admin(username="boss", is_staff=True)  # an administrator, not superuser
    assert elements(signed_in(root).get("/").content, "a", href="/admin/")
    assert not elements(signed_in(staff).get("/").content, "a", href="/admin/")
    assert not elements(agent_client.get("/").content, "a", href="/admin/")


def test_only_administrators_see_administration_and_it_lights_on_every_admin_page(
    agent_client, requester_client
):
    admin = signed_in(factories.admin(username="boss"))
    assert "Administration" not in navigation(agent_client.get("/").content)
    assert "Administration" not in navigation(requester_client.get("/").content)
    for path in (
        "/administration/",
        "/administration/users/",
        "/incidents/categories/",
        "/incidents/priority-matrix/",
        "/incidents/escalations/",
        "/incidents/assignment/",
        "/changes/templates/",
        "/changes/delegations/",
        "/mailboxes/",
        "/mailboxes/messages/",
    ):
        nav = navigation(admin.get(path).content)
        assert nav["Administration"].attrs["href"] == "/administration/"
        lit = [name for name, item in nav.items() if item.attrs.get("aria-current") == "page"]
        assert lit == ["Administration"], path


def test_unknown_address_gets_the_steward_not_found_page(agent_client):
    response = agent_client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"There is nothing here" in response.content
    assert navigation(response.content)


# --- assets: every page loads scripts and styles from /static/, never from another host ------

PAGES = {
    "web:home": "/",
    "web:login": "/login/",
    "core:profile": "/profile/",
    "core:team_list": "/teams/",
    "core:team_detail": "/teams/network/",
    "core:password_reset": "/password-reset/",
    "core:password_reset_sent": "/password-reset/sent/",
    "core:password_reset_done": "/password-reset/done/",
    "core:password_reset_confirm": "/password-reset/MQ/no-such-token/",
    "core:attachments": "/attachments/incident/INC0000001/",
    "core:administration": "/administration/",
    "core:user_list": "/administration/users/",
    "core:user_new": "/administration/users/new/",
    "core:user_edit": "/administration/users/boss/",
    "not-found": "/no/such/page/",
    "admin": "/admin/",
    "api-docs": "/api/docs",
}
# Web routes that answer POST only, so they have no page of their own.
POST_ONLY = {
    "web:logout",
    "core:team_create",
    "core:token_create",
    "core:token_revoke",
    "core:team_member_add",
    "core:team_member_remove",
    "core:user_active",
    "core:user_invite",
}
# Web routes that answer a file to download, or a fragment for htmx (a picker's
# suggestions), not a page; single sign-on's two are redirects to and from the identity
# provider (404 with it off, as here), whose refusal page tests/web/test_sso.py reads.
NOT_PAGES = {
    "core:attachment_download",
    "web:pick",
    "web:favicon",  # a redirect
    "web:sso_start",
    "web:sso_callback",
}


@pytest.fixture
def staff_client() -> Client:
    factories.TeamFactory(name="Network", slug="network")
    return signed_in(factories.admin(username="boss", is_staff=True))


def asset_urls(html: bytes) -> list[str]:
    """Every URL the browser fetches by itself: scripts, styles, icons, images, frames."""
    urls = []
    for e in elements(html):
        if e.tag == "link" and e.attrs.get("href"):
            urls.append(e.attrs["href"])
        if e.tag in {"script", "img", "iframe", "source", "embed"} and e.attrs.get("src"):
            urls.append(e.attrs["src"])
        for style in (e.attrs.get("style", ""), e.text if e.tag == "style" else ""):
            urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", style)
            urls += re.findall(r"@import\s+['\"]([^'\"]+)", style)
    return urls


def shell_routes() -> set[str]:
    """The names of the shell's (``web``) and core's people pages (``core``); the old
    ``web:`` names of the pages that moved to core answer nothing (core's come first)."""
    includes = {p.namespace: p for p in get_resolver().url_patterns if hasattr(p, "namespace")}
    core = {p.name for p in includes["core"].url_patterns}
    web = {p.name for p in includes["web"].url_patterns} - core
    return {f"core:{n}" for n in core} | {f"web:{n}" for n in web}


def test_every_page_route_is_checked_for_assets():
    pages = set(PAGES) - {"not-found", "admin", "api-docs"}
    assert shell_routes() == pages | POST_ONLY | NOT_PAGES


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
@pytest.mark.parametrize("signed", [True, False], ids=["signed-in", "anonymous"])
def test_pages_load_nothing_from_other_hosts(staff_client, path, signed):
    client = staff_client if signed else Client()
    response = client.get(path, follow=True)

    assert response.status_code in {200, 404}
    urls = asset_urls(response.content)
    assert urls, "a page without a stylesheet or script"
    external = [u for u in urls if EXTERNAL.match(u)]
    assert external == []
    assert not re.search(rb"<script[^>]+src=[\"']?(https?:)?//", response.content)


@pytest.mark.parametrize("path", ["/", "/teams/network/"])
@pytest.mark.parametrize("signed", [True, False], ids=["signed-in", "anonymous"])
def test_htmx_and_the_stylesheet_are_served_from_static(staff_client, path, signed):
    html = (staff_client if signed else Client()).get(path, follow=True).content
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"

    scripts = [e.attrs["src"] for e in elements(html, "script") if e.attrs.get("src")]
    styles = [e.attrs["href"] for e in elements(html, "link", rel="stylesheet")]
    htmx = [s for s in scripts if "htmx" in s.rsplit("/", 1)[-1]]

    assert htmx, scripts
    for url in [*htmx, *styles]:
        assert url.startswith(prefix), url
        assert finders.find(url.removeprefix(prefix).split("?")[0]), f"{url} is not a static file"


BUILT = [m for m in MODULES if m.url_name]


@pytest.mark.parametrize("module", BUILT, ids=[m.key for m in BUILT])
def test_module_pages_load_nothing_from_other_hosts(staff_client, module):
    response = staff_client.get(reverse(module.url_name))

    assert response.status_code == 200
    assert [u for u in asset_urls(response.content) if EXTERNAL.match(u)] == []
