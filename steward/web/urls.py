from django.urls import URLPattern, path

from steward.core import urls as core_urls
from steward.web import pickers, sso, views

app_name = "web"


def _legacy_names(patterns: list[URLPattern]) -> list[URLPattern]:
    """The people pages moved to core (``core:profile``, ``core:team_list``…); their old
    ``web:`` names still reverse to the same paths until every branch has switched. Core's
    URLs are included first, so a request always resolves to the ``core:`` name."""
    return [path(str(p.pattern), p.callback, p.default_args, name=p.name) for p in patterns]


urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/sso/", sso.sso_start, name="sso_start"),
    path("login/sso/callback/", sso.sso_callback, name="sso_callback"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("logout/", views.logout_view, name="logout"),
    path("pick/<slug:kind>/", pickers.suggest, name="pick"),
    *_legacy_names(core_urls.urlpatterns),
]
