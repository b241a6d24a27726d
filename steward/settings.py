"""The one settings module; infrastructure comes from STEWARD_* variables (see conf.py)."""

import datetime as dt
from pathlib import Path

import dj_database_url

from steward.conf import BASE_DIR, env, secret_key, var_dir
from steward.worker_imports import import_queue_storage

VAR_DIR: Path = var_dir()
SECRET_KEY = secret_key()
DEBUG = env("STEWARD_DEBUG")
ALLOWED_HOSTS = env("STEWARD_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("STEWARD_CSRF_TRUSTED_ORIGINS")
TESTING = False  # tests/conftest.py flips it

INSTALLED_APPS = [
    "steward.web.admin_apps.SuperuserAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "huey.contrib.djhuey",
    "steward.core",
    "steward.sla",
    "steward.cmdb",
    "steward.incidents",
    "steward.problems",
    "steward.changes",
    "steward.mailboxes",
    "steward.catalog",
    "steward.assets",
    "steward.software",
    "steward.knowledge",
    "steward.events",
    "steward.automation",
    "steward.surveys",
    "steward.reports",
    "steward.portal",
    "steward.api",
    "steward.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "steward.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "steward.api.middleware.ApiErrorShapeMiddleware",
    "steward.api.middleware.UrlLengthLimitMiddleware",
    "steward.api.middleware.BodySizeLimitMiddleware",
    "steward.api.query_names.UnknownQueryParameterMiddleware",
    # steward.web.stack: Django's, skipped for an API request with a token and no session
    # cookie; its authentication takes the session's user from a per-process cache
    "steward.web.stack.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Django's own, on every request (check --deploy asks for it by name): for a token-only
    # API request it finds no cookie and the API's views are csrf_exempt (ninja checks CSRF
    # in its session auth), so it costs a dictionary look-up (decision 0020)
    "django.middleware.csrf.CsrfViewMiddleware",
    "steward.web.stack.AuthenticationMiddleware",
    "steward.web.stack.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "steward.web.stack.HtmxMiddleware",
    "steward.web.stack.UserTimeZoneMiddleware",
    "steward.web.middleware.UserLanguageMiddleware",
    "steward.web.middleware.ActorMiddleware",
    "steward.web.nul_characters.NulCharacterMiddleware",
    "steward.web.middleware.DomainErrorPageMiddleware",
]

ROOT_URLCONF = "steward.urls"
WSGI_APPLICATION = "steward.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "steward.web.context.navigation",
            ],
        },
    },
]
# Django's widget templates, with inputs and selects built in Python (same HTML, no
# template render per option): steward/web/renderer.py.
FORM_RENDERER = "steward.web.renderer.WidgetRenderer"


# WAL lets readers run beside the writer; synchronous=FULL makes a committed write survive
# power loss; IMMEDIATE takes the write lock at BEGIN so two writers queue on the busy
# timeout instead of failing with "database is locked". Every SQLite database gets them,
# the default file and one named by STEWARD_DATABASE_URL alike. They all use Steward's
# backend, Django's with a writer queue: a writer waiting for another's COMMIT is woken by
# the kernel when it ends instead of sleeping in SQLite's busy handler (decision 0060).
SQLITE_ENGINE = "steward.core.db.sqlite3"
# the test database in memory, which Django's SQLite backend gives by default: said outright
# because pytest-django knows SQLite by the stock ENGINE name only, and under xdist would
# otherwise name each worker's test database a file after NAME ("test_/…/steward.sqlite3_gw1")
SQLITE_TEST = {"NAME": ":memory:"}
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;"
        "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def _postgres_options() -> dict:
    """Prepared statements (decision 0044): psycopg prepares a statement once a connection
    has run it ``prepare_threshold`` times, which needs server-side binding; PostgreSQL then
    plans it five more times and keeps a generic plan when that costs no more. Django's
    default (client-side binding, nothing prepared) plans every statement anew."""
    threshold = env("STEWARD_DATABASE_PREPARE_THRESHOLD")
    if not threshold:
        return {}
    return {"server_side_binding": True, "prepare_threshold": threshold}


def _database() -> dict:
    url = env("STEWARD_DATABASE_URL")
    if url:
        db = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        db.setdefault("OPTIONS", {})
        if db["ENGINE"].endswith("sqlite3"):
            db["ENGINE"] = SQLITE_ENGINE
            db["OPTIONS"] = {**SQLITE_OPTIONS, **db["OPTIONS"]}
            db["CONN_MAX_AGE"] = 600
            db["TEST"] = {**SQLITE_TEST, **db.get("TEST", {})}
        elif db["ENGINE"].endswith("postgresql"):
            db["OPTIONS"] = {**_postgres_options(), **db["OPTIONS"]}
        return db
    return {
        "ENGINE": SQLITE_ENGINE,
        "NAME": VAR_DIR / "steward.sqlite3",
        "OPTIONS": dict(SQLITE_OPTIONS),
        # reusing the connection saves ~1 ms per request and the WAL checkpoint that SQLite
        # runs whenever its last connection closes (docs/benchmarks.md)
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "TEST": dict(SQLITE_TEST),
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

REDIS_URL = env("STEWARD_REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    HUEY = {
        "huey_class": "steward.core.stopping.RedisHuey",
        "name": "steward",
        "url": REDIS_URL,
        "immediate": False,
        "results": False,  # no task's return value is read: keep no result rows
        "consumer": {"workers": 2, "worker_type": "thread", "graceful_signal": "TERM"},
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "steward.core.stopping.SqliteHuey",
        "name": "steward",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "results": False,  # no task's return value is read: keep no result rows
        # the SQLite queue is polled (Redis blocks on it): huey backs off to 10 s between
        # looks when idle, so a wake-up or a due retry waited up to 10 s; at most 1 s here
        # (decision 0091)
        "consumer": {
            "workers": 2,
            "worker_type": "thread",
            "graceful_signal": "TERM",
            "max_delay": 1.0,
        },
    }

# huey's storage module imports the Redis client and psycopg at its top, for storages Steward
# may not use: imported here, before djhuey imports huey, with only the client the queue
# above needs, in every process (psycopg still loads as PostgreSQL's driver when Django asks
# for it). Each cost 7-8 % of a `steward` process's start (decision 0131).
import_queue_storage(REDIS_URL)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# A password-reset link works once (its token covers the password) and for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

LANGUAGE_CODE = "en"
# Only languages whose catalogue ships (steward/locale; docs/decisions/0026): a choice the
# product cannot honour is not offered. Names in their own language, as a picker shows them.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "steward" / "locale"]
TIME_ZONE = env("STEWARD_TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every start without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("STEWARD_MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media-not-served/"  # attachments are only served through the download view
MAX_UPLOAD_BYTES = env("STEWARD_MAX_UPLOAD_BYTES")
MAIL_MAX_BYTES = env("STEWARD_MAIL_MAX_BYTES")
MAIL_SENDER_LIMIT = env("STEWARD_MAIL_SENDER_LIMIT")  # per sender and hour
MAIL_TRUSTED_AUTHSERV_ID = env("STEWARD_MAIL_TRUSTED_AUTHSERV_ID")  # a list; empty: no check
MAX_JSON_BYTES = env("STEWARD_MAX_JSON_BYTES")
EVENT_INCIDENT_SEVERITIES = env("STEWARD_EVENT_INCIDENT_SEVERITIES")
EVENT_ALERT_EXPIRY_HOURS = env("STEWARD_EVENT_ALERT_EXPIRY_HOURS")
EVENT_FLAP_CHANGES = env("STEWARD_EVENT_FLAP_CHANGES")
EVENT_FLAP_MINUTES = env("STEWARD_EVENT_FLAP_MINUTES")
SURVEY_OPEN_DAYS = env("STEWARD_SURVEY_OPEN_DAYS")
SURVEY_QUIET_DAYS = env("STEWARD_SURVEY_QUIET_DAYS")
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_JSON_BYTES
MAX_URL_BYTES = 8192  # path and query string; longer is a 414 (steward.api.middleware)
FILE_UPLOAD_PERMISSIONS = 0o640

_count, _seconds = env("STEWARD_LOGIN_THROTTLE").split("/")
LOGIN_THROTTLE_COUNT, LOGIN_THROTTLE_SECONDS = int(_count), int(_seconds)

# Single sign-on with OpenID Connect (steward/core/oidc.py, docs/security.md, decision 0110):
# off while the issuer is empty; with one, the client id is required at start-up.
OIDC_ISSUER = env("STEWARD_OIDC_ISSUER")
OIDC_CLIENT_ID = env("STEWARD_OIDC_CLIENT_ID").strip()
OIDC_CLIENT_SECRET = env("STEWARD_OIDC_CLIENT_SECRET")
OIDC_PROVIDER_NAME = env("STEWARD_OIDC_PROVIDER_NAME").strip() or "single sign-on"
OIDC_SCOPES = env("STEWARD_OIDC_SCOPES")
OIDC_USERNAME_CLAIM = env("STEWARD_OIDC_USERNAME_CLAIM").strip() or "preferred_username"
OIDC_EMAIL_VERIFIED_CLAIM = env("STEWARD_OIDC_EMAIL_VERIFIED_CLAIM").strip() or "email_verified"
OIDC_NEW_USERS = env("STEWARD_OIDC_NEW_USERS")
OIDC_TIMEOUT = env("STEWARD_OIDC_TIMEOUT")
# passwords for administrators only (superusers and the admin role) while single sign-on is on
OIDC_ADMINS_ONLY_SIGN_IN_BY_PASSWORD = env("STEWARD_OIDC_PASSWORD_SIGN_IN") == "administrators"
if OIDC_ISSUER and not OIDC_CLIENT_ID:
    raise SystemExit("STEWARD_OIDC_CLIENT_ID: required when STEWARD_OIDC_ISSUER is set")
if OIDC_ADMINS_ONLY_SIGN_IN_BY_PASSWORD and not OIDC_ISSUER:
    raise SystemExit(
        "STEWARD_OIDC_PASSWORD_SIGN_IN: needs STEWARD_OIDC_ISSUER (who else signs in?)"
    )

# Email: SMTP when configured, otherwise files in var/mail so nothing leaves the machine.
DEFAULT_FROM_EMAIL = env("STEWARD_EMAIL_FROM")
# An SMTP call gives up well inside the claim lease of steward.core.mail (10 times this), so
# no second worker takes a mail that a live worker is still sending.
EMAIL_TIMEOUT = env("STEWARD_EMAIL_TIMEOUT")
# Outbox events and mail that fail are retried with backoff this long, then dead-lettered
# (steward.core.retries; docs/security.md, "Delivery guarantees").
DELIVERY_RETRY_HORIZON = dt.timedelta(hours=env("STEWARD_DELIVERY_RETRY_HOURS"))
DELIVERY_RETRY_BASE_DELAY = dt.timedelta(seconds=env("STEWARD_DELIVERY_RETRY_BASE_SECONDS"))
BASE_URL = env("STEWARD_BASE_URL").rstrip("/")
if env("STEWARD_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("STEWARD_EMAIL_HOST")
    EMAIL_PORT = env("STEWARD_EMAIL_PORT")
    EMAIL_HOST_USER = env("STEWARD_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env("STEWARD_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env("STEWARD_EMAIL_TLS")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Security: safe by default; HTTPS hardening when served behind TLS.
SESSION_COOKIE_HTTPONLY = True
# database sessions, each read once per process until it changes (steward/core/sessions.py)
SESSION_ENGINE = "steward.core.sessions"
# htmx sends the token from hx-headers on <body>; the API docs page reads the cookie.
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env("STEWARD_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "steward": {"handlers": ["console"], "level": env("STEWARD_LOG_LEVEL")},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}

STEWARD_DOCS_DIR = BASE_DIR / "docs"
