"""The shared components (web/templates/components/) and the steward_ui tag library."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from steward.assets.choices import Status as AssetStatus
from steward.catalog.choices import Decision, RequestStatus, Stage, TaskStatus
from steward.changes.choices import RiskLevel
from steward.changes.choices import Status as ChangeStatus
from steward.cmdb.choices import CIStatus
from steward.core.selectors.timeline import FieldChange, TimelineEntry
from steward.incidents.choices import Status as IncidentStatus
from steward.problems.choices import Status as ProblemStatus
from steward.software.choices import Position as SoftwarePosition
from steward.web.templatetags import steward_ui
from tests.web.html import elements, text_of

STEWARD_CSS = Path(finders.find("web/steward.css")).read_text()


def render(source: str, path: str = "/things/", **context: object) -> str:
    request = RequestFactory().get(path)
    return Template("{% load steward_ui %}" + source).render(RequestContext(request, context))


def css_selectors(css: str) -> set[str]:
    """Every selector of a stylesheet, one by one (media queries flattened)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = set()
    for block in re.findall(r"([^{}]+)\{[^{}]*\}", css):
        for selector in block.split(","):
            selector = " ".join(selector.split())
            if selector and not selector.startswith("@"):
                found.add(selector)
    return found


CSS_SELECTORS = css_selectors(STEWARD_CSS)
CSS_CLASSES = {c for s in CSS_SELECTORS for c in re.findall(r"\.[\w-]+", s)}


# --- badges: classes, never inline colours --------------------------------------------------

STATUSES = [
    *[("incidents", s) for s in IncidentStatus.values],
    *[("problems", s) for s in ProblemStatus.values],
    *[("changes", s) for s in ChangeStatus.values],
    *[("cmdb", s) for s in CIStatus.values],
    *[("requests", s) for s in RequestStatus.values],
    *[("tasks", s) for s in TaskStatus.values],
    *[("approvals", s) for s in Decision.values],
    *[("services", s) for s in Stage.values],
    *[("assets", s) for s in AssetStatus.values],
    *[("software", s) for s in SoftwarePosition.values],
]


@pytest.mark.parametrize(("app", "value"), STATUSES, ids=[f"{a}-{v}" for a, v in STATUSES])
def test_every_status_of_every_app_has_a_badge_colour(app, value):
    html = render("{% status_badge value 'Label' %}", value=value)

    [span] = elements(html, "span")
    assert span.attrs["class"] == f"status status-{value}"
    assert "style" not in span.attrs
    assert f".status-{value}" in CSS_CLASSES


@pytest.mark.parametrize("value", RiskLevel.values)
def test_every_risk_level_has_a_badge_colour(value):
    [span] = elements(render("{% status_badge value 'High' kind='risk' %}", value=value), "span")
    assert span.attrs["class"] == f"risk risk-{value}"
    assert f".risk-{value}" in CSS_CLASSES


@pytest.mark.parametrize("priority", [1, 2, 3, 4, 5])
def test_priority_badge_is_a_class_with_its_colour_in_the_stylesheet(priority):
    [span] = elements(render("{% priority_badge p %}", p=priority), "span")
    assert (span.attrs["class"], text_of(span)) == (f"badge priority-{priority}", f"P{priority}")
    assert f".badge.priority-{priority}" in CSS_SELECTORS


def test_badge_text_is_escaped_and_class_names_are_safe():
    html = render("{% status_badge value label %}", value='x" onclick="y', label="<b>")
    [span] = elements(html, "span")
    assert span.attrs == {"class": "status status-x-onclicky"}
    assert text_of(span) == "<b>"


DUE = dt.datetime(2026, 12, 15, 14, 0, tzinfo=dt.UTC)


def clock(kind: str, left: int, **state: object) -> SimpleNamespace:
    values = {
        "state": "running",
        "breached": False,
        "paused": False,
        "warned": False,
        "due_at": DUE,
    }
    return SimpleNamespace(kind=kind, time_left_seconds=left, policy_name="Gold", **values | state)


@pytest.mark.parametrize(
    ("clocks", "css", "text"),
    [
        (
            [clock("response", 600), clock("resolution", 7200)],
            "sla",
            "10m business time · due 15 Dec 2026 14:00 response",
        ),
        (
            [clock("response", -90, breached=True)],
            "sla breached",
            "-1m business time · due 15 Dec 2026 14:00 response",
        ),
        ([clock("resolution", 100, paused=True, due_at=None)], "sla paused", "paused resolution"),
        (
            [clock("resolution", 4000, warned=True)],
            "sla warning",
            "1h 6m business time · due 15 Dec 2026 14:00 resolution",
        ),
        ([clock("response", 0, state="stopped")], "sla met", "met response"),
    ],
    ids=["most-urgent", "breached", "paused", "warning", "met"],
)
def test_sla_badge_shows_the_most_urgent_clock(clocks, css, text):
    [span] = [
        e for e in elements(render("{% sla_badge clocks %}", clocks=clocks)) if e.tag == "span"
    ]
    assert (span.attrs["class"].strip(), " ".join(text_of(span).split())) == (css, text)


def test_sla_badge_due_moment_is_in_the_readers_zone_and_machine_readable():
    with timezone.override(zoneinfo.ZoneInfo("Australia/Sydney")):
        html = render("{% sla_badge clocks %}", clocks=[clock("resolution", 3 * 86400 + 61200)])
    [time] = elements(html, "time")
    assert (time.attrs["datetime"], text_of(time)) == (
        "2026-12-16T01:00:00+11:00",
        "16 Dec 2026 01:00",  # the |when style every page uses, in the reader's zone
    )
    assert "3d 17h business time · due" in " ".join(text_of(elements(html, "span")[0]).split())


def test_sla_badge_words_follow_the_active_language_from_one_badge_to_the_next():
    """The badge's words are kept per language (steward_ui._sla_words): the same clock read
    in German right after English, then English again, is in each reader's words."""
    clocks = [clock("resolution", 600), clock("response", 0, state="stopped")]
    badges = []
    for language in ("en", "de", "en"):
        with translation.override(language):
            badges.append(
                render(
                    "{% sla_badge clocks %}{% sla_badge_one met %}", clocks=clocks, met=clocks[1]
                )
            )
    english, german, again = (" ".join(re.sub(r"<[^>]+>", " ", b).split()) for b in badges)
    assert english == again != german
    assert "business time" in english
    assert "Geschäftszeit" in german


def test_sla_badge_without_clocks_is_a_dash():
    assert text_of(elements(render("{% sla_badge clocks %}", clocks=[]), "span")[0]) == "—"


def test_sla_badge_is_its_markup_byte_for_byte():
    """The badge every list draws (``steward_ui.sla_html``: ``{% sla_badge %}`` and the
    queue's rows), held to its bytes: the title naming the kind and the policy (escaped),
    the due moment, the kind in ``<small>``. No old path of the badge is left to switch to
    (decision 0077); this replaces the copy of main's badge of before decision 0043 that
    tests/incidents/test_page_rendering.py drew the rows' badges with."""
    policy = 'Gold & "<b>"'
    running = clock("response", 600)
    missed = clock("resolution", -60, state="stopped", breached=True)
    running.policy_name = missed.policy_name = policy
    title = (
        "{} target, policy Gold &amp; &quot;&lt;b&gt;&quot;; counted in business time on the"
        " policy&#x27;s calendar"
    )
    with translation.override("en"), timezone.override(dt.UTC):
        assert render("{% sla_badge clocks %}", clocks=[running]) == (
            f'<span class="sla " title="{title.format("response")}">10m business time'
            ' · due <time datetime="2026-12-15T14:00:00+00:00">15 Dec 2026 14:00</time>'
            " <small>response</small></span>"
        )
        assert render("{% sla_badge_one clock %}", clock=missed) == (
            f'<span class="sla breached" title="{title.format("resolution")}">missed'
            " <small>resolution</small></span>"
        )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (None, "—"),
        (0, "0m"),
        (59, "0m"),
        (61, "1m"),
        (3599, "59m"),
        (3600, "1h 0m"),
        (3 * 3600 + 1200, "3h 20m"),
        (90000, "1d 1h"),
        (2 * 86400 + 3 * 3600, "2d 3h"),
        (-2100, "-35m"),
        (-7200, "-2h 0m"),
    ],
)
def test_duration_reads_as_days_hours_minutes(seconds, text):
    assert steward_ui.duration(seconds) == text


APP_TAG_LIBRARIES = sorted(
    f"steward.{p.parent.parent.name}.templatetags.{p.stem}"
    for p in (Path(steward_ui.__file__).parents[2]).glob("*/templatetags/*.py")
    if p.stem != "__init__" and p.parent.parent.name != "web"
)


@pytest.mark.parametrize("module", APP_TAG_LIBRARIES)
def test_an_app_tag_library_copies_nothing_from_steward_ui(module):
    """Shared tags and filters live once, in ``steward_ui``; an app keeps only its own."""
    import importlib

    library = importlib.import_module(module).register
    assert not set(library.filters) & set(steward_ui.register.filters)
    assert not set(library.tags) & set(steward_ui.register.tags)


def test_a_date_time_reads_in_one_format_in_the_readers_zone():
    from django.utils import timezone

    at = dt.datetime(2026, 12, 2, 16, 42, 51, tzinfo=dt.UTC)
    with timezone.override("Europe/Berlin"):
        assert render("{{ at|when }}", at=at) == "2 Dec 2026 17:42"
    assert render("{{ at|when }}", at=None) == "—"


# --- form field, filter bar, pager, queue table, timeline ------------------------------------


class Filters(forms.Form):
    q = forms.CharField(
        required=False, label="Search", widget=forms.TextInput(attrs={"type": "search"})
    )
    priority = forms.ChoiceField(choices=[("", "Any priority"), ("1", "P1")], required=False)
    queue = forms.CharField(required=False, widget=forms.HiddenInput)


def test_field_shows_its_label_input_and_errors_beside_it():
    form = Filters({"priority": "9"})
    form.is_valid()
    html = render('{% include "components/field.html" with field=form.priority %}', form=form)

    [wrapper] = elements(html, "div")
    assert wrapper.attrs["class"] == "field invalid"
    [error] = elements(html, "span", **{"class": "error"})
    assert "Select a valid choice" in text_of(error)
    assert elements(html, "label", **{"for": "id_priority"})


def test_filter_bar_shows_a_refused_value_beside_its_field():
    form = Filters({"priority": "9", "q": "vpn", "queue": "mine"})
    form.is_valid()
    html = render(
        '{% include "components/filter_bar.html" with form=form action="/incidents/" %}', form=form
    )

    [bar] = elements(html, "form")
    assert (bar.attrs["method"], bar.attrs["hx-get"], bar.attrs["hx-push-url"]) == (
        "get",
        "/incidents/",
        "true",
    )
    assert bar.attrs["hx-target"] == "#queue"
    [error] = [e for e in elements(html, "span") if e.attrs.get("role") == "alert"]
    assert "Select a valid choice" in text_of(error)
    [invalid] = [d for d in elements(html, "div") if "invalid" in d.attrs["class"]]
    assert invalid in error.ancestors
    assert elements(html, "input", name="queue", type="hidden")[0].attrs["value"] == "mine"
    assert elements(html, "input", name="q")[0].attrs["value"] == "vpn"


def test_pager_keeps_the_filters_and_moves_only_the_cursor():
    html = render(
        '{% include "components/pager.html" with target="#queue" %}',
        path="/incidents/?status=new&cursor=abc&partial=1",
        page=SimpleNamespace(next="def"),
    )

    links = {text_of(a): a.attrs for a in elements(html, "a")}
    assert links["Next page"]["href"] == "?status=new&cursor=def"
    assert links["Next page"]["hx-get"] == "?status=new&cursor=def&partial=1"
    assert links["Next page"]["rel"] == "next"
    assert links["First page"]["href"] == "?status=new"


def test_pager_on_the_only_page_shows_nothing():
    assert (
        render('{% include "components/pager.html" %}', page=SimpleNamespace(next=None)).strip()
        == ""
    )


def test_queue_table_renders_columns_rows_and_the_empty_text():
    source = (
        '{% columns "Number" "Title" "Opened:optional" as columns %}'
        '{% include "components/queue_table.html" with rows=rows row_template=row '
        'empty="Nothing in this queue." tbody_id="rows" %}'
    )
    row = Template("<tr><td>{{ row.number }}</td><td>{{ row.title }}</td><td></td></tr>")
    page = SimpleNamespace(next=None)
    html = render(source, rows=[SimpleNamespace(number="INC1", title="VPN")], row=row, page=page)

    assert [text_of(th) for th in elements(html, "th")] == ["Number", "Title", "Opened"]
    assert elements(html, "th")[2].attrs["class"] == "optional"
    assert [text_of(td) for td in elements(html, "td")] == ["INC1", "VPN", ""]
    assert elements(html, "tbody", id="rows")

    empty = render(source, rows=[], row=row, page=page)
    [cell] = elements(empty, "td")
    assert (text_of(cell), cell.attrs["colspan"]) == ("Nothing in this queue.", "3")


def test_timeline_shows_comments_and_history_as_a_person_reads_them():
    at = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    comment = SimpleNamespace(internal=True, body_html="<p>rebooted</p>")
    entries = [
        TimelineEntry("comment", at, "2 Jan 2026 03:04", "Ada Agent", comment=comment),
        TimelineEntry(
            "audit",
            at,
            "2 Jan 2026 03:04",
            "Bob Boss",
            action="Updated",
            channel="web",
            changes=(FieldChange("team", "Team", "Network", "Service Desk"),),
        ),
        TimelineEntry(
            "audit",
            at,
            "2 Jan 2026 03:04",
            "Bob Boss",
            action="Created",
            channel="api",
            changes=(FieldChange("title", "Title", "—", "VPN"),),
        ),
    ]
    html = render(
        '{% include "components/timeline.html" with created_text="logged the incident" %}',
        timeline=entries,
    )

    items = elements(html, "li")
    assert [i.attrs["class"] for i in items] == ["note", "audit", "audit"]
    assert text_of(items[0]).startswith("Ada Agent · work note · 2 Jan 2026 03:04")
    assert "rebooted" in text_of(items[0])
    assert "Team: Network → Service Desk" in text_of(items[1])
    assert "logged the incident" in text_of(items[2])
    assert "Title" not in text_of(items[2])  # what a new record was made with is not a move
    assert "No activity yet." in render('{% include "components/timeline.html" %}', timeline=[])


def test_form_errors_offer_a_reload_only_when_stale():
    form = Filters({})
    form.is_valid()
    form.add_error(None, "The record changed.")
    stale = render('{% include "components/form_errors.html" %}', form=form, stale=True)
    plain = render('{% include "components/form_errors.html" %}', form=form, stale=False)

    assert [a.attrs["href"] for a in elements(stale, "a")] == ["/things/"]
    assert elements(plain, "a") == []
    assert "The record changed." in plain


def test_components_use_no_inline_colours():
    folder = Path(finders.find("web/steward.css")).parents[2] / "templates" / "components"
    for template in folder.glob("*.html"):
        assert "style=" not in template.read_text(), template.name


def test_a_template_context_without_request_still_renders_badges():
    assert 'class="status status-new"' in Template(
        "{% load steward_ui %}{% status_badge 'new' 'New' %}"
    ).render(Context())
