"""Every HTML page carries a Content-Security-Policy that refuses inline scripts, and no
template has one to refuse (docs/decisions/0011-content-security-policy.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

STEWARD = Path(__file__).resolve().parents[2] / "steward"
TEMPLATES = sorted(STEWARD.glob("*/templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"javascript:", re.I)


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = (p.split() for p in header.split(";") if p.strip())
    return {name: values for name, *values in parts}


def staff_client() -> Client:
    client = Client()
    client.force_login(factories.admin(username="op", is_staff=True, is_superuser=True))
    return client


def agent_client() -> Client:
    client = Client()
    client.force_login(factories.agent(username="ada"))
    return client


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("anonymous", "/login/"),
        ("agent", "/"),
        ("agent", "/profile/"),
        ("agent", "/teams/"),
        ("agent", "/incidents/"),
        ("agent", "/changes/calendar/"),
        ("agent", "/no-such-page/"),
        ("staff", "/admin/"),
        ("staff", "/api/docs"),
    ],
)
def test_every_html_page_carries_a_policy_without_inline_scripts(who, path):
    client = {"anonymous": Client, "agent": agent_client, "staff": staff_client}[who]()

    response = client.get(path)

    assert response["Content-Type"].startswith("text/html")
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe-eval" in v for values in policy.values() for v in values)


def test_json_answers_need_no_policy(admin_api):
    assert "Content-Security-Policy" not in admin_api.get("/api/v1/users/me")


def test_templates_exist_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(STEWARD)))
def test_no_template_has_an_inline_script_or_handler(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static .js file"
    assert not HANDLER.search(text), "on*= handler: attach it from a static .js file"
    assert not JS_URL.search(text), "javascript: URL"
