"""Steward's URLs plus the floor's two views under ``/__floor__/``."""

from django.urls import path

from bench.floor import views
from steward.urls import urlpatterns as steward_urls

urlpatterns = [
    path("__floor__/incidents", views.insert),
    path("__floor__/incidents/<str:number>", views.read),
    *steward_urls,
]
