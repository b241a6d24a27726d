"""Steward's URLs plus the knowledge bench's bare view (the framework floor)."""

from django.urls import path

from bench.knowledge import floor
from steward.urls import urlpatterns as steward_urls

urlpatterns = [
    path("__floor__/knowledge/<str:number>", floor.article),
    *steward_urls,
]
