"""Knowledge articles, their published versions, readers' feedback, view hits and the
portal's self-help journeys (deflection)."""

from django.conf import settings
from django.db import models

from steward.core.models import Organisation, VersionedModel
from steward.knowledge.choices import Audience, JourneyStart, Status


class Article(VersionedModel):
    """A how-to or fix for readers; ``body`` is Markdown, ``body_html`` its sanitised render
    (what pages show). ``revision`` counts the published texts kept in ``ArticleVersion``."""

    number = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.EVERYONE)
    # empty: for every organisation; set: its requesters (and agents serving it) only
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    # incidents' categories: one list, so suggestions and reports speak the same language
    category = models.ForeignKey(
        "incidents.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles_owned"
    )
    review_date = models.DateField(null=True, blank=True)
    # the review date the owner was last reminded of: once per due date
    reminded_for = models.DateField(null=True, blank=True)
    source_incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_articles",
    )
    revision = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    # rolled up from ArticleView by the worker: reading an article never locks its row
    view_count = models.PositiveBigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["status", "audience", "organisation"], name="kb_readable"),
            models.Index(fields=["status", "review_date"], name="kb_review_due"),
            models.Index(fields=["owner", "status"], name="kb_owner"),
            models.Index(fields=["category", "status"], name="kb_category"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ArticleVersion(models.Model):
    """One published text of an article, kept when a later one replaces it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    revision = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    body_html = models.TextField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "revision"], name="kb_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.revision}"


class ArticleFeedback(models.Model):
    """One reader's vote on one article; voting again changes it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="kb_feedback_once")]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"


class ArticleView(models.Model):
    """A read not yet counted: inserted per view (no lock on the article), summed into
    ``Article.view_count`` and deleted by the worker."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"view of {self.article_id}"


class Journey(models.Model):
    """A portal search or "report a problem" start, and what followed within the window:
    the last article opened, and whether a record was raised. A deflection is a journey
    whose window has passed with an article opened and nothing raised."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    start = models.CharField(max_length=8, choices=JourneyStart.choices)
    query = models.CharField(max_length=200, blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="journeys"
    )
    raised = models.CharField(max_length=16, blank=True)  # the number of the record raised

    class Meta:
        indexes = [
            models.Index(fields=["user", "started_at"], name="kb_journey_user"),
            models.Index(fields=["article", "raised", "started_at"], name="kb_journey_article"),
        ]

    def __str__(self) -> str:
        return f"{self.start} by {self.user_id}"
