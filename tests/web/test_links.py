"""``link``: ``reverse`` kept per process under the URL patterns and script prefix in force
(decision 0071), so another prefix or ``ROOT_URLCONF`` is reversed anew, never served from
what was kept under the old one."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse, set_script_prefix

from steward.web.links import link


def test_a_link_is_what_reverse_gives():
    assert link("web:home") == reverse("web:home")
    assert link("web:pick", "team") == reverse("web:pick", args=["team"]) == "/pick/team/"
    assert link("web:pick", "agent") == "/pick/agent/"


def test_another_script_prefix_is_reversed_anew():
    assert link("web:pick", "team") == "/pick/team/"
    set_script_prefix("/desk/")
    try:
        assert link("web:pick", "team") == "/desk/pick/team/"
    finally:
        set_script_prefix("/")
    assert link("web:pick", "team") == "/pick/team/"


def test_other_url_patterns_are_reversed_anew():
    assert link("web:pick", "team") == "/pick/team/"
    with override_settings(ROOT_URLCONF="tests.web.links_urls"):
        assert link("web:home") == "/elsewhere/"
        assert link("web:pick", "team") == "/p/team/"
    assert link("web:pick", "team") == "/pick/team/"
