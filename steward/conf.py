"""Infrastructure settings read from ``STEWARD_*`` environment variables.

Each variable is declared once here with its default and description; the same table
generates ``docs/configuration.md`` (``steward config-docs``), so the docs cannot drift.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from steward.conf_values import (
    boolean,
    choice,
    flap_changes,
    flap_minutes,
    issuer_url,
    listed,
    positive,
    scopes,
    severities,
    whole,
)

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """One ``STEWARD_*`` variable: its name, default, parser and meaning."""

    name: str
    default: str
    description: str
    parse: Callable[[str], Any] = str
    secret: bool = False

    def read(self) -> Any:
        raw = os.environ.get(self.name, self.default)
        try:
            return self.parse(raw)
        except ValueError as exc:
            raise SystemExit(f"{self.name}: {exc}") from exc


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "STEWARD_VAR_DIR",
        str(BASE_DIR / "var"),
        "Directory for the SQLite database, generated secret key, huey queue and local mail.",
    ),
    Setting(
        "STEWARD_DATABASE_URL",
        "",
        "Database URL. Empty: SQLite (WAL, synchronous=FULL) at `$STEWARD_VAR_DIR/steward.sqlite3`;"
        " a `sqlite:///…` URL gets the same pragmas. Either way writers queue on a lock file beside"
        " the database (`<file>-writers.lock`, decision 0060)."
        " Production: `postgres://user:pass@host:5432/steward`.",
    ),
    Setting(
        "STEWARD_SECRET_KEY",
        "",
        "Django secret key. Empty: generated once into `$STEWARD_VAR_DIR/secret_key`."
        " Set it explicitly when several app servers share a database.",
        secret=True,
    ),
    Setting("STEWARD_DEBUG", "false", "Django debug mode. Never on in production.", boolean),
    Setting(
        "STEWARD_ALLOWED_HOSTS",
        "127.0.0.1,localhost",
        "Comma-separated host names the server answers to.",
        listed,
    ),
    Setting(
        "STEWARD_HTTPS",
        "false",
        "Served over HTTPS (behind a TLS proxy): secure cookies, HSTS, SSL redirect.",
        boolean,
    ),
    Setting(
        "STEWARD_CSRF_TRUSTED_ORIGINS",
        "",
        "Comma-separated origins (https://itsm.example.com) trusted for CSRF.",
        listed,
    ),
    Setting(
        "STEWARD_REDIS_URL",
        "",
        "Redis URL for the job queue and cache. Empty: huey on SQLite, database cache.",
    ),
    Setting(
        "STEWARD_MEDIA_ROOT", "", "Directory for attachments. Empty: `$STEWARD_VAR_DIR/media`."
    ),
    Setting(
        "STEWARD_MAX_UPLOAD_BYTES",
        str(25 * 1024 * 1024),
        "Largest attachment accepted, in bytes; larger uploads answer 413.",
        int,
    ),
    Setting(
        "STEWARD_MAX_JSON_BYTES",
        str(1024 * 1024),
        "Largest JSON request body accepted, in bytes; larger bodies answer 413.",
        int,
    ),
    Setting(
        "STEWARD_TIME_ZONE",
        "UTC",
        "Default time zone for users who have not chosen one (IANA name).",
    ),
    Setting(
        "STEWARD_LOGIN_THROTTLE",
        "5/900",
        "Failed sign-ins allowed per account in `seconds` (`count/seconds`), and four times as"
        " many per client address (a shared NAT hides many people); then 429.",
    ),
    Setting(
        "STEWARD_BASE_URL",
        "http://127.0.0.1:8000",
        "Public address of Steward, used for links in outgoing mail.",
    ),
    Setting(
        "STEWARD_EMAIL_HOST",
        "",
        "SMTP host. Empty: outgoing mail is written to `$STEWARD_VAR_DIR/mail/`.",
    ),
    Setting("STEWARD_EMAIL_PORT", "587", "SMTP port.", int),
    Setting("STEWARD_EMAIL_USER", "", "SMTP user name."),
    Setting(
        "STEWARD_EMAIL_PASSWORD", "", "SMTP password (never shown in any response).", secret=True
    ),
    Setting("STEWARD_EMAIL_TLS", "true", "Use STARTTLS for SMTP.", boolean),
    Setting("STEWARD_EMAIL_FROM", "steward@localhost", "From address of outgoing mail."),
    Setting(
        "STEWARD_EMAIL_TIMEOUT",
        "60",
        "Seconds an SMTP call may take before it gives up. The leases that guard delivery"
        " follow it: a mail being sent is claimed for 10 times this, the outbox sweep holds"
        " its lease for 5 times this (a worker killed mid-send delays that mail, or the"
        " sweeps, at most this long).",
        positive,
    ),
    Setting(
        "STEWARD_DELIVERY_RETRY_BASE_SECONDS",
        "30",
        "Wait after the first failed delivery of an outbox event or mail, in seconds; it"
        " doubles after each further failure, up to an hour, with jitter.",
        positive,
    ),
    Setting(
        "STEWARD_DELIVERY_RETRY_HOURS",
        "24",
        "How long an undelivered outbox event or mail is retried (SMTP down, a consumer"
        " failing), in hours from its first failure, with exponential backoff (30 s doubling"
        " to an hour, with jitter; `STEWARD_DELIVERY_RETRY_BASE_SECONDS`). Then it is"
        ' dead-lettered: the Django admin lists it under "dead" with a "retry" action.',
        positive,
    ),
    Setting(
        "STEWARD_MAIL_MAX_BYTES",
        str(30 * 1024 * 1024),
        "Largest incoming mail message accepted, in bytes; a larger one is quarantined"
        " (docs/email.md).",
        positive,
    ),
    Setting(
        "STEWARD_MAIL_SENDER_LIMIT",
        "20",
        "Incoming messages one sender may send in an hour; more are quarantined, which"
        " stops mail loops (docs/email.md).",
        positive,
    ),
    Setting(
        "STEWARD_MAIL_TRUSTED_AUTHSERV_ID",
        "",
        "The authserv-id(s), comma-separated, of the receiving mail server whose"
        " `Authentication-Results` headers (RFC 8601) Steward believes: mail from a known"
        " person whose From those results do not authenticate (DMARC pass, else an aligned"
        " DKIM or SPF pass) is quarantined instead of acting as that person. Empty: no"
        " check, the From header is believed as the mail server let it through, so a forged"
        " From acts as the person it names (docs/email.md, decision 0093).",
        listed,
    ),
    Setting(
        "STEWARD_EVENT_INCIDENT_SEVERITIES",
        "critical,major",
        "Comma-separated alert severities (critical, major, minor, warning, info) at which a"
        " monitoring alert opens one incident (docs/events.md). Empty: alerts open none.",
        severities,
    ),
    Setting(
        "STEWARD_EVENT_ALERT_EXPIRY_HOURS",
        "24",
        "Hours a live monitoring alert may go without an event before the worker closes it"
        " as expired (its incident stays as it is; docs/events.md). `0`: alerts never"
        " expire, they stay open until cleared or closed.",
        whole,
    ),
    Setting(
        "STEWARD_EVENT_FLAP_CHANGES",
        "4",
        "State changes (raised, cleared) a monitoring alert may make within"
        " `STEWARD_EVENT_FLAP_MINUTES` before it is flapping: one more and it opens no"
        " incident and adds no work note until it has been stable that long (docs/events.md,"
        " decision 0105). `0`: no flapping detection. At most 100.",
        flap_changes,
    ),
    Setting(
        "STEWARD_EVENT_FLAP_MINUTES",
        "30",
        "Minutes within which `STEWARD_EVENT_FLAP_CHANGES` state changes make an alert"
        " flapping, and for which it must then be stable to recover (1 to 1440).",
        flap_minutes,
    ),
    Setting(
        "STEWARD_DATABASE_PREPARE_THRESHOLD",
        "5",
        "PostgreSQL only: a statement a connection has run this many times is prepared on the"
        " server (parameters bound by the server), so PostgreSQL can reuse its plan instead of"
        " planning the joined reads on every request (decision 0044). `0`: nothing is prepared"
        " and parameters are bound in the client (Django's default). Behind PgBouncer in"
        " transaction mode it needs PgBouncer 1.21 or later with `max_prepared_statements`"
        " above 0; with an older pooler set `0` (docs/operations.md).",
        whole,
    ),
    Setting(
        "STEWARD_OIDC_ISSUER",
        "",
        "Single sign-on with OpenID Connect: the identity provider's issuer URL exactly as its"
        " discovery document names it (`<issuer>/.well-known/openid-configuration`), e.g."
        " `https://login.microsoftonline.com/<tenant id>/v2.0` or"
        " `https://sso.example.com/realms/staff`. Empty (the default): no single sign-on,"
        " only passwords. Register `STEWARD_BASE_URL` + `/login/sso/callback/` as the redirect"
        " URI (docs/single-sign-on.md).",
        issuer_url,
    ),
    Setting(
        "STEWARD_OIDC_CLIENT_ID",
        "",
        "The client (application) id Steward has at the identity provider; required with"
        " `STEWARD_OIDC_ISSUER`. ID tokens must name it as their audience.",
    ),
    Setting(
        "STEWARD_OIDC_CLIENT_SECRET",
        "",
        "The client secret for the token request (never shown in any response). Empty: a public"
        " client, protected by PKCE alone.",
        secret=True,
    ),
    Setting(
        "STEWARD_OIDC_PROVIDER_NAME",
        "single sign-on",
        'Shown on the sign-in button: "Sign in with <name>" (e.g. `Microsoft`, `Google`).',
    ),
    Setting(
        "STEWARD_OIDC_SCOPES",
        "openid email profile",
        "Scopes asked for, space- or comma-separated; must include `openid`.",
        scopes,
    ),
    Setting(
        "STEWARD_OIDC_USERNAME_CLAIM",
        "preferred_username",
        "The ID token claim a new person's Steward username is taken from (falls back to the"
        " email, then the subject). People are matched by issuer and subject, never by it.",
    ),
    Setting(
        "STEWARD_OIDC_EMAIL_VERIFIED_CLAIM",
        "email_verified",
        "The ID token claim that says the provider verified the email; only when it is true"
        " is a first sign-in linked to the existing person with that email. Microsoft Entra ID"
        " sends no `email_verified`: add the optional claim `xms_edov` and name it here.",
    ),
    Setting(
        "STEWARD_OIDC_NEW_USERS",
        "create",
        "A person signing in for the first time who matches no one: `create` makes them a"
        " requester, `refuse` turns them away (an administrator adds them first). Either way an"
        " existing person is linked only by an email the provider says is verified.",
        choice("create", "refuse"),
    ),
    Setting(
        "STEWARD_OIDC_PASSWORD_SIGN_IN",
        "everyone",
        "Who may still sign in with a password while single sign-on is on: `everyone`, or"
        " `administrators` (superusers and the administrator role: the way in when the"
        " provider is down). Others get the same answer as a wrong password, and no"
        " password-reset mail. Needs `STEWARD_OIDC_ISSUER`.",
        choice("everyone", "administrators"),
    ),
    Setting(
        "STEWARD_OIDC_TIMEOUT",
        "5",
        "Seconds a call to the identity provider (discovery, keys, token) may take; a provider"
        " that does not answer in time gets an error page, never a hung sign-in.",
        positive,
    ),
    Setting(
        "STEWARD_SURVEY_OPEN_DAYS",
        "14",
        "Days a satisfaction survey stays open after its invitation: the requester may rate,"
        " and change their rating, until then; then the link answers that the survey is"
        " closed (docs/surveys.md). Whether surveys are sent, and to which share of"
        " resolutions, is set by administrators on the survey settings page.",
        positive,
    ),
    Setting(
        "STEWARD_SURVEY_QUIET_DAYS",
        "7",
        "Days after a satisfaction survey's invitation in which a re-resolution of the same"
        " incident (reopened and resolved again) sends no second invitation; the first"
        " survey stays answerable (docs/surveys.md). `0`: every resolution is asked about.",
        whole,
    ),
    Setting("STEWARD_LOG_LEVEL", "INFO", "Log level of the `steward` loggers."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def env(name: str) -> Any:
    """The parsed value of a declared ``STEWARD_*`` variable."""
    return _BY_NAME[name].read()


def var_dir() -> Path:
    path = Path(env("STEWARD_VAR_DIR"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    """The configured key, or one generated once and kept in the var directory."""
    configured = env("STEWARD_SECRET_KEY")
    if configured:
        return configured
    key_file = var_dir() / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def configuration_markdown() -> str:
    """The ``docs/configuration.md`` text, generated from the table above."""
    lines = [
        "# Configuration",
        "",
        "Steward reads its infrastructure settings from environment variables."
        " Business configuration (priority matrix, calendars, numbering) lives in the"
        " database and is edited in the UI.",
        "",
        "This page is generated from `steward/conf.py` by `steward config-docs`.",
        "",
        "| variable | default | meaning |",
        "| --- | --- | --- |",
    ]
    for s in SETTINGS:
        default = "(generated)" if s.secret and not s.default else s.default
        if s.name == "STEWARD_VAR_DIR":
            default = "`var/` in the checkout"
        lines.append(
            f"| `{s.name}` | {f'`{default}`' if default else '(empty)'} | {s.description} |"
        )
    return "\n".join(lines) + "\n"
