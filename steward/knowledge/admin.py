from django.contrib import admin

from steward.knowledge.models import Article, ArticleVersion


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "status", "audience", "owner", "review_date")
    list_filter = ("status", "audience")
    search_fields = ("number", "title")
    raw_id_fields = ("owner", "source_incident", "category", "organisation")
    readonly_fields = ("view_count", "revision")


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ("article", "revision", "published_at")
    raw_id_fields = ("article", "published_by")
