"""A fake OpenID Connect provider inside the test process: its own RSA key, a discovery
document, a JWK set and a token endpoint that checks the code, the PKCE verifier, the
redirect URI and the client's secret, then hands out an ID token it signs.

Served either through a ``requests`` transport adapter (``FakeIdP.adapter()``, no network;
``steward.core.oidc.use_transport``) or as a real HTTP server on 127.0.0.1 (``serve()``) for
the browser journey, whose ``/authorize`` signs the configured person in at once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "steward-test"
CLIENT_SECRET = "s3cret/with+odd=chars"

_KEYS: dict[str, RSAKey] = {}


def rsa_key(kid: str) -> RSAKey:
    """An RSA key per kid, made once per test process (2048 bits take a moment)."""
    if kid not in _KEYS:
        _KEYS[kid] = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig"})
    return _KEYS[kid]


@dataclass
class Issued:
    claims: dict[str, Any]
    challenge: str
    redirect_uri: str
    nonce: str


@dataclass
class FakeIdP:
    issuer: str = "https://idp.test/realms/staff"
    key: RSAKey = field(default_factory=lambda: rsa_key("k1"))
    published: list[RSAKey] = field(default_factory=list)  # the JWK set; default [key]
    down: Exception | None = None  # raised for every call (ConnectionError, Timeout)
    status: dict[str, int] = field(default_factory=dict)  # path -> forced HTTP status
    codes: dict[str, Issued] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    # what the next ID tokens say beyond the claims given to authorize(): tests override
    tweak: dict[str, Any] = field(default_factory=dict)
    header: dict[str, Any] = field(default_factory=dict)  # extra JWS header values
    sign_with: RSAKey | None = None  # another key than the published one

    @property
    def base(self) -> str:
        return self.issuer

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base}/protocol/openid-connect/auth",
            "token_endpoint": f"{self.base}/protocol/openid-connect/token",
            "jwks_uri": f"{self.base}/protocol/openid-connect/certs",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }

    # --- the person signing in at the provider --------------------------------------------

    def authorize(self, url: str, person: dict[str, Any]) -> dict[str, str]:
        """What the provider's sign-in page does for ``person`` given the authorization URL:
        the callback's query (code and the state it was sent)."""
        parts = urlsplit(url)
        assert (
            f"{parts.scheme}://{parts.netloc}{parts.path}"
            == self.discovery()["authorization_endpoint"]
        )
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert query["response_type"] == "code"
        assert query["client_id"] == CLIENT_ID
        assert query["code_challenge_method"] == "S256"
        assert "openid" in query["scope"].split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = Issued(
            claims=dict(person),
            challenge=query["code_challenge"],
            redirect_uri=query["redirect_uri"],
            nonce=query["nonce"],
        )
        return {"code": code, "state": query["state"]}

    def id_token(self, issued: Issued) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": issued.nonce,
            **issued.claims,
            **self.tweak,
        }
        claims = {k: v for k, v in claims.items() if v is not None}
        key = self.sign_with or self.key
        header = {"alg": "RS256", "kid": key.kid, **self.header}
        return jwt.encode(header, claims, key, algorithms=[header["alg"]])

    # --- the endpoints ----------------------------------------------------------------------

    def handle(
        self, method: str, path: str, form: dict[str, str], auth: str | None
    ) -> tuple[int, dict[str, Any]]:
        self.calls.append(path)
        if path in self.status:
            return self.status[path], {"error": "server_error"}
        doc = self.discovery()
        if path == urlsplit(self.issuer).path + "/.well-known/openid-configuration":
            return 200, doc
        if path == urlsplit(doc["jwks_uri"]).path:
            keys = self.published or [self.key]
            return 200, {"keys": [k.as_dict(private=False) for k in keys]}
        if path == urlsplit(doc["token_endpoint"]).path and method == "POST":
            return self._token(form, auth)
        return 404, {"error": "not_found"}

    def _token(self, form: dict[str, str], auth: str | None) -> tuple[int, dict[str, Any]]:
        expected = "Basic " + base64.b64encode(
            f"{_form(CLIENT_ID)}:{_form(CLIENT_SECRET)}".encode()
        ).decode("ascii")
        if auth != expected:
            return 401, {"error": "invalid_client"}
        issued = self.codes.pop(form.get("code", ""), None)  # a code works once
        if issued is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if challenge != issued.challenge or form.get("redirect_uri") != issued.redirect_uri:
            return 400, {"error": "invalid_grant"}
        return 200, {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "id_token": self.id_token(issued),
        }

    # --- as a requests transport ---------------------------------------------------------------

    def adapter(self) -> requests.adapters.BaseAdapter:
        return _Adapter(self)

    # --- as a real server (journeys) -----------------------------------------------------------

    @contextmanager
    def serve(self, person: dict[str, Any]) -> Iterator[FakeIdP]:
        """Serve on 127.0.0.1 (a free port; ``issuer`` becomes its address) until the block
        ends; its authorization endpoint signs ``person`` in and redirects back at once."""
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = urlsplit(self.path).path
                if path == urlsplit(idp.discovery()["authorization_endpoint"]).path:
                    url = f"{idp.issuer.split('/realms')[0]}{self.path}"
                    back = idp.authorize(url, person)
                    target = parse_qs(urlsplit(self.path).query)["redirect_uri"][0]
                    self.send_response(302)
                    self.send_header("Location", f"{target}?{urlencode(back)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._answer(*idp.handle("GET", path, {}, None))

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                form = {k: v[0] for k, v in parse_qs(body).items()}
                path = urlsplit(self.path).path
                self._answer(*idp.handle("POST", path, form, self.headers.get("Authorization")))

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{server.server_address[1]}/realms/staff"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()


def _form(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


class _Adapter(requests.adapters.BaseAdapter):
    def __init__(self, idp: FakeIdP) -> None:
        super().__init__()
        self.idp = idp
        self.timeouts: list[Any] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.timeouts.append(kwargs.get("timeout"))
        if self.idp.down is not None:
            raise self.idp.down
        parts = urlsplit(request.url or "")
        if (
            f"{parts.scheme}://{parts.netloc}"
            != f"{urlsplit(self.idp.issuer).scheme}://{urlsplit(self.idp.issuer).netloc}"
        ):
            raise requests.ConnectionError(f"no such host in the test: {parts.netloc}")
        body = request.body or ""
        if isinstance(body, bytes):
            body = body.decode()
        form = {k: v[0] for k, v in parse_qs(body).items()}
        status, answer = self.idp.handle(
            request.method or "GET", parts.path, form, request.headers.get("Authorization")
        )
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(answer).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass
