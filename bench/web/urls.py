"""Steward's own URLs plus the framework floor: a bare view behind the same middleware."""

from django.http import HttpResponse
from django.urls import path

from steward.urls import urlpatterns as steward_urls


def floor(request):  # noqa: ANN001, ANN201 - the least a Django page can cost
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench_floor__/", floor), *steward_urls]
