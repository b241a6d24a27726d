"""A second set of URL patterns for ``test_links``: the same names at other addresses."""

from django.http import HttpResponse
from django.urls import include, path


def _view(request):  # noqa: ANN001, ANN202
    return HttpResponse()


web = ([path("elsewhere/", _view, name="home"), path("p/<str:kind>/", _view, name="pick")], "web")
urlpatterns = [path("", include(web))]
