"""Single sign-on with OpenID Connect, the relying party's side of the authorization code flow.

Discovery and the provider's keys are fetched over HTTPS (``requests``, with
``STEWARD_OIDC_TIMEOUT``; the usual ``HTTPS_PROXY`` and ``REQUESTS_CA_BUNDLE`` apply) and
kept per process for an hour; the ID token's signature and claims are checked by joserfc,
never by code of ours (decision 0110). What the flow keeps
between the redirect and the callback (state, nonce, PKCE verifier, ``next``) lives in the
browser's session (``steward/web/sso.py``); who the verified claims belong to is decided by
``steward/core/services/sso.py``.

requests and joserfc (with urllib3 and cryptography under them: 228 modules, ~15 MB resident
in a worker, measured) are imported by the first call that talks to the provider or checks a
token, not with this module: the URL configuration imports it, and a worker of an install
without single sign-on never needs them (issue 13, decision 0037).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings

if TYPE_CHECKING:
    import requests
    from joserfc.jwk import KeySet

log = logging.getLogger("steward.sso")

KEEP_SECONDS = 3600  # discovery document and keys, per process
KEYS_REFETCH_SECONDS = 30  # an unknown key id fetches the keys again, at most this often
LEEWAY_SECONDS = 60  # clock skew allowed on exp / iat
# Asymmetric signatures only: "none" and the HMAC family (keyed with the client secret) never.
SIGNING_ALGORITHMS = (
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
)  # fmt: skip
MAX_RESPONSE_BYTES = 512 * 1024


class ProviderUnavailable(Exception):
    """The identity provider did not answer, answered an error or something that is not
    OpenID Connect: the person sees an error page saying so and may use a password."""


class SignInRejected(Exception):
    """The callback or the ID token failed a check (state, nonce, signature, audience,
    expiry, the code itself): nobody is signed in. The message is for the log."""


@dataclass(frozen=True)
class Provider:
    """What the discovery document says, checked."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: tuple[str, ...]
    secret_in_body: bool  # client_secret_post instead of client_secret_basic


@dataclass(frozen=True)
class Pending:
    """One started sign-in, kept in the session until its callback (used once)."""

    state: str
    nonce: str
    verifier: str
    next: str
    started: float

    @classmethod
    def new(cls, next_: str) -> Pending:
        return cls(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            verifier=secrets.token_urlsafe(64),  # 86 characters (RFC 7636: 43 to 128)
            next=next_,
            started=time.time(),
        )

    @property
    def challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def enabled() -> bool:
    """Single sign-on is configured (``STEWARD_OIDC_ISSUER`` set)."""
    return bool(settings.OIDC_ISSUER)


def redirect_uri() -> str:
    """The callback address registered at the provider: fixed by ``STEWARD_BASE_URL``, never
    by the request's Host header."""
    return f"{settings.BASE_URL}/login/sso/callback/"


# --- HTTP to the provider ------------------------------------------------------------------

_http = threading.local()
transport: requests.adapters.BaseAdapter | None = None  # tests: a fake provider's adapter


def http() -> requests.Session:
    """This thread's HTTP session (tests mount a fake provider's adapter on ``transport``)."""
    session = getattr(_http, "session", None)
    if session is None:
        import requests  # on the first call to the provider: see the module's docstring

        # HTTPS_PROXY / NO_PROXY from the environment are honoured (a proxy in front of an
        # on-premises install), as is REQUESTS_CA_BUNDLE for a private CA
        session = _http.session = requests.Session()
        if transport is not None:
            session.mount("http://", transport)
            session.mount("https://", transport)
    return session


def use_transport(adapter: requests.adapters.BaseAdapter | None) -> None:
    """Send every call to the provider through ``adapter`` (tests: a fake provider in the
    process), or back to the network with None; forgets what was kept."""
    global transport
    transport = adapter
    _http.__dict__.clear()
    forget()


def _json(response: requests.Response, what: str) -> dict[str, Any]:
    if len(response.content) > MAX_RESPONSE_BYTES:
        raise ProviderUnavailable(f"{what}: answer larger than {MAX_RESPONSE_BYTES} bytes")
    try:
        body = response.json()
    except ValueError as exc:
        raise ProviderUnavailable(f"{what}: not JSON (HTTP {response.status_code})") from exc
    if not isinstance(body, dict):
        raise ProviderUnavailable(f"{what}: not a JSON object")
    return body


def _get(url: str, what: str) -> dict[str, Any]:
    import requests  # see the module's docstring

    try:
        response = http().get(
            url, timeout=settings.OIDC_TIMEOUT, headers={"Accept": "application/json"}
        )
    except requests.RequestException as exc:
        raise ProviderUnavailable(f"{what}: {type(exc).__name__}") from exc
    if response.status_code != 200:
        raise ProviderUnavailable(f"{what}: HTTP {response.status_code}")
    return _json(response, what)


# --- discovery and keys, kept per process ----------------------------------------------------

_lock = threading.Lock()
_kept: dict[str, tuple[float, Any]] = {}


def forget() -> None:
    """Drop the kept discovery document and keys (settings changed; tests)."""
    with _lock:
        _kept.clear()


def _secure(url: Any, issuer: str) -> bool:
    """An endpoint over https, or over http on this machine when the issuer is (tests)."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    local = {"localhost", "127.0.0.1", "::1"}
    return parts.scheme == "http" and parts.hostname in local and urlsplit(issuer).hostname in local


def _names(doc: dict[str, Any], name: str, default: list[str]) -> list[str]:
    """A list of names the discovery document gives (its default when absent; one name alone
    as itself); anything else is no OpenID Connect."""
    value = doc.get(name) or default
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ProviderUnavailable(f"discovery: {name} is not a list of names")
    return value


def provider() -> Provider:
    """The configured provider's endpoints, from its discovery document (kept an hour)."""
    issuer = settings.OIDC_ISSUER
    with _lock:
        kept = _kept.get("provider")
    if kept and kept[0] > time.monotonic():
        return kept[1]
    doc = _get(issuer.rstrip("/") + "/.well-known/openid-configuration", "discovery")
    if doc.get("issuer") != issuer:
        # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was asked for
        raise ProviderUnavailable(f"discovery: names issuer {doc.get('issuer')!r}")
    endpoints = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    bad = [name for name in endpoints if not _secure(doc.get(name), issuer)]
    if bad:
        raise ProviderUnavailable(f"discovery: no https {', '.join(bad)}")
    offered = _names(doc, "id_token_signing_alg_values_supported", ["RS256"])
    algorithms = tuple(a for a in SIGNING_ALGORITHMS if a in offered)
    if not algorithms:
        raise ProviderUnavailable(f"discovery: no signing algorithm we accept in {offered!r}")
    methods = _names(doc, "token_endpoint_auth_methods_supported", ["client_secret_basic"])
    found = Provider(
        issuer=issuer,
        authorization_endpoint=doc["authorization_endpoint"],
        token_endpoint=doc["token_endpoint"],
        jwks_uri=doc["jwks_uri"],
        algorithms=algorithms,
        secret_in_body="client_secret_basic" not in methods and "client_secret_post" in methods,
    )
    with _lock:
        _kept["provider"] = (time.monotonic() + KEEP_SECONDS, found)
    return found


def _keys(found: Provider, *, fresh: bool = False) -> KeySet:
    """The provider's public keys (kept an hour; ``fresh`` fetches them again, at most every
    ``KEYS_REFETCH_SECONDS``, for a key rotated in since)."""
    now = time.monotonic()
    with _lock:
        kept = _kept.get("keys")
    if kept and kept[0] > now and not (fresh and kept[2] + KEYS_REFETCH_SECONDS <= now):
        return kept[1]
    doc = _get(found.jwks_uri, "keys")
    from joserfc.errors import JoseError  # see the module's docstring
    from joserfc.jwk import KeySet

    try:
        keys = KeySet.import_key_set(doc)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ProviderUnavailable(f"keys: not a JWK set ({exc})") from exc
    with _lock:
        _kept["keys"] = (now + KEEP_SECONDS, keys, now)
    return keys


# --- the flow --------------------------------------------------------------------------------


def authorization_url(pending: Pending) -> str:
    """Where the browser is sent to sign in at the provider (code flow, PKCE S256)."""
    found = provider()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.OIDC_CLIENT_ID,
            "redirect_uri": redirect_uri(),
            "scope": " ".join(settings.OIDC_SCOPES),
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": pending.challenge,
            "code_challenge_method": "S256",
        }
    )
    joiner = "&" if urlsplit(found.authorization_endpoint).query else "?"
    return f"{found.authorization_endpoint}{joiner}{query}"


def exchange(code: str, pending: Pending) -> dict[str, Any]:
    """Trade the callback's code for tokens and return the ID token's verified claims."""
    import requests  # see the module's docstring

    found = provider()
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri(),
        "code_verifier": pending.verifier,
        "client_id": settings.OIDC_CLIENT_ID,
    }
    auth = None
    secret = settings.OIDC_CLIENT_SECRET
    if secret and found.secret_in_body:
        data["client_secret"] = secret
    elif secret:
        # RFC 6749 §2.3.1: id and secret form-encoded before they go into Basic
        auth = (quote(settings.OIDC_CLIENT_ID, safe=""), quote(secret, safe=""))
    try:
        response = http().post(
            found.token_endpoint,
            data=data,
            auth=auth,
            timeout=settings.OIDC_TIMEOUT,
            headers={"Accept": "application/json"},
        )
    except requests.RequestException as exc:
        raise ProviderUnavailable(f"token: {type(exc).__name__}") from exc
    if 400 <= response.status_code < 500:
        # invalid_grant and friends: a code used twice, expired, or not ours
        error = _json(response, "token").get("error", "?") if response.content else "?"
        raise SignInRejected(f"token endpoint refused the code: {str(error)[:80]}")
    if response.status_code != 200:
        raise ProviderUnavailable(f"token: HTTP {response.status_code}")
    id_token = _json(response, "token").get("id_token")
    if not isinstance(id_token, str):
        raise SignInRejected("token answer without an id_token")
    return verify_id_token(id_token, nonce=pending.nonce)


def _storable(text: str) -> bool:
    """Text a database keeps: valid Unicode (a JSON escape can make a lone surrogate) and no
    NUL (PostgreSQL refuses it)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def verify_id_token(id_token: str, *, nonce: str) -> dict[str, Any]:
    """The claims of an ID token whose signature, issuer, audience, expiry and nonce hold
    (OpenID Connect Core 1.0 §3.1.3.7); ``SignInRejected`` naming the first that does not."""
    from joserfc import jwt  # see the module's docstring
    from joserfc.errors import InvalidKeyIdError, JoseError

    found = provider()
    try:
        try:
            token = jwt.decode(id_token, _keys(found), algorithms=list(found.algorithms))
        except InvalidKeyIdError:
            # a key the provider rotated in since we kept its set
            token = jwt.decode(
                id_token, _keys(found, fresh=True), algorithms=list(found.algorithms)
            )
    except JoseError as exc:
        raise SignInRejected(f"ID token: {exc.error}") from exc
    except (ValueError, TypeError) as exc:
        raise SignInRejected("ID token: not a signed JWT") from exc
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": found.issuer},
        sub={"essential": True},
        aud={"essential": True, "value": settings.OIDC_CLIENT_ID},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise SignInRejected(f"ID token: {exc.error} {exc.description or ''}".strip()) from exc
    audience = claims["aud"]
    # §3.1.3.7 (4, 5): several audiences need us as the authorized party
    several = isinstance(audience, list) and len(audience) > 1
    if several and claims.get("azp") != settings.OIDC_CLIENT_ID:
        raise SignInRejected("ID token: several audiences and azp is not ours")
    if len(claims["sub"]) > 255:
        raise SignInRejected("ID token: subject longer than 255 characters")
    if not _storable(claims["sub"]):
        raise SignInRejected("ID token: subject with a NUL or a lone surrogate")
    return dict(claims)
