"""Article write use cases: create (also from an incident's resolution), update with status
moves (each publish keeps the text as a version), comment."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import audit, markup, outbox
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import PermissionDenied, ValidationFailed
from steward.core.numbering import next_number
from steward.core.services.common import reject_unknown, resolve_ref
from steward.core.services.records import RecordRules, record_update
from steward.incidents import selectors as incident_selectors
from steward.knowledge import selectors
from steward.knowledge.choices import TEXT_FIELDS, Audience, Status
from steward.knowledge.models import Article, ArticleVersion
from steward.knowledge.services import search_index
from steward.knowledge.services.validation import clean_fields
from steward.knowledge.workflow import ARTICLE_FLOW

EDITABLE = {"title", "body", "audience", "category", "organisation", "owner", "review_date"}
AUDITED = sorted(EDITABLE | {"number", "status", "revision", "published_at", "retired_at"})


def require_agent(actor: Actor) -> None:
    """Articles are written by IT; everyone else reads and votes."""
    if not actor.is_agent:
        raise PermissionDenied(_("Only agents write knowledge articles."))


def _from_incident(actor: Actor, number: Any, fields: dict[str, Any]) -> Any:
    """An incident's resolution as the start of an article: its title, what happened, and
    how it was resolved; the category carries over."""
    incident = resolve_ref(
        incident_selectors.incident_visible(actor).select_related("category", "subcategory"),
        "from_incident",
        number,
        key="number",
        label="incident",
    )
    if incident is None:
        raise ValidationFailed.one("from_incident", _("required"))
    if not (incident.resolution_notes or "").strip():
        raise ValidationFailed.one("from_incident", _("the incident has no resolution notes yet"))
    fields.setdefault("title", incident.title)
    fields.setdefault(
        "body",
        f"## Symptoms\n\n{incident.description.strip()}\n\n"
        f"## Resolution\n\n{incident.resolution_notes.strip()}\n",
    )
    category = incident.subcategory or incident.category
    if category is not None:
        fields.setdefault("category", category.slug)
    return incident


def _keep_version(actor: Actor, article: Article) -> None:
    """The text now published, kept as the article's next revision."""
    article.revision += 1
    article.published_at = timezone.now()
    ArticleVersion.objects.create(
        article=article,
        revision=article.revision,
        title=article.title,
        body=article.body,
        body_html=article.body_html,
        published_by=actor.user,
        published_at=article.published_at,
    )


@transaction.atomic
def article_create(actor: Actor, *, from_incident: str | None = None, **fields: Any) -> Article:
    """Write a draft (optionally from an incident's resolution, linked to it); the actor
    owns it unless ``owner`` names another agent. Indexed at once; audited."""
    require_agent(actor)
    reject_unknown(fields, EDITABLE)
    incident = _from_incident(actor, from_incident, fields) if from_incident else None
    if "title" not in fields:
        raise ValidationFailed.one("title", _("required"))
    fields.setdefault("owner", actor.user.username if actor.user else None)
    clean = clean_fields(actor, fields)
    article = Article(
        number=next_number("KB"),
        status=Status.DRAFT,
        source_incident=incident,
        **clean,
    )
    article.body_html = markup.render(article.body)
    article.save()
    search_index.reindex([article])
    audit.record(actor, article, action=AuditAction.CREATE, after=audit.snapshot(article, AUDITED))
    outbox.emit("article.created", article, number=article.number)
    return article


RULES = RecordRules(
    editable=EDITABLE | {"status"},
    audited=AUDITED,
    event="article.updated",
    also_saved=("body_html", "reminded_for", "view_count"),
)


def _load(actor: Actor, number: str) -> Article:
    article = selectors.article_for_update(actor, number=number)
    require_agent(actor)
    return article


def _clean(actor: Actor, article: Article, changes: dict[str, Any]) -> dict[str, Any]:
    changes = dict(changes)
    target = changes.pop("status", None)
    if target is not None and not isinstance(target, str):
        raise ValidationFailed.one("status", _("must be a status name"))
    clean = clean_fields(actor, changes)
    if "owner" in clean and clean["owner"] is None:
        raise ValidationFailed.one("owner", _("required: an agent"))
    if target is not None and target != article.status:
        clean["status"] = target
    return clean


def _apply(actor: Actor, article: Article, clean: dict[str, Any]) -> None:
    """Assign, then move: the guard sees the article as it will be. A move to published,
    or a new text while published, keeps that text as a version."""
    clean = dict(clean)
    target = clean.pop("status", None)
    text_changed = any(f in clean and clean[f] != getattr(article, f) for f in TEXT_FIELDS)
    for name, value in clean.items():
        setattr(article, name, value)
    if "body" in clean:
        if not article.body and target is None and article.status == Status.PUBLISHED:
            # the publish guard (_has_text) holds for an edit of a published text too: a
            # blanked body went out to readers as a new published version
            raise ValidationFailed.one(
                "body", _("required while the article is published (readers see it)")
            )
        article.body_html = markup.render(article.body)
    if "review_date" in clean:
        article.reminded_for = None  # a new due date is reminded of afresh
    if target is not None:
        ARTICLE_FLOW.check(article, target=target, data={})
        article.status = target
        if target == Status.RETIRED:
            article.retired_at = timezone.now()
        elif article.retired_at is not None:
            article.retired_at = None
    publishing = target == Status.PUBLISHED
    if publishing or (text_changed and target is None and article.status == Status.PUBLISHED):
        _keep_version(actor, article)


@transaction.atomic
def article_update(
    actor: Actor, *, number: str, expected_version: int | None, changes: dict[str, Any]
) -> Article:
    """Change an article; status moves follow ARTICLE_FLOW. Reindexed in the same
    transaction."""
    done = record_update(
        actor,
        load=lambda: _load(actor, number),
        rules=RULES,
        expected_version=expected_version,
        changes=changes,
        clean=lambda article, values: _clean(actor, article, values),
        apply=lambda article, clean: _apply(actor, article, clean),
    )
    article = done.record
    if done.changed:
        search_index.reindex([article])
        if "status" in done.changed and article.status == Status.PUBLISHED:
            outbox.emit("article.published", article, number=article.number)
    return article


def audience_label(article: Article) -> str:
    return Audience(article.audience).label
