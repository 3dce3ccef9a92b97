"""OAuth client credentials: ``POST /oauth/token`` on the emulator's own origin, bearer checks.

The token endpoint lives on the API origin because Genesys SDKs pointed at a base URL derive
the login host from it (``//api.`` → ``//login.``; a loopback URL has no ``api.`` to replace).
Tokens live in memory only: restarting the emulator invalidates them, and clients fetch a new
one on 401 as they would against Genesys.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from .errors import ApiFailure
from .routing import Reply

DEFAULT_TOKEN_SECONDS = 86399  # Genesys's default token lifetime is 24 h


class TokenStore:
    def __init__(
        self,
        client_id: str,
        client_secret: str,
        now: Callable[[], datetime],
        lifetime_seconds: int = DEFAULT_TOKEN_SECONDS,
    ) -> None:
        self.client_id = client_id
        self._secret = client_secret
        self._now = now
        self.lifetime_seconds = lifetime_seconds
        self._tokens: dict[str, datetime] = {}

    def issue(self, headers: dict[str, str], body: bytes) -> Reply:
        """Answer like login.<region> does (OAuth error bodies, not ErrorBody)."""
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        client_id, secret = form.get("client_id"), form.get("client_secret")
        authorization = headers.get("authorization", "")
        if authorization.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
                client_id, _, secret = decoded.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return _oauth_error(400, "invalid_request", "malformed Basic authorization header")
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(
                400, "unsupported_grant_type", "only client_credentials is supported"
            )
        if (
            client_id != self.client_id
            or secret is None
            or not secrets.compare_digest(secret, self._secret)
        ):
            return _oauth_error(401, "invalid_client", "client not found or bad secret")
        token = secrets.token_urlsafe(32)
        self._tokens[token] = self._now() + timedelta(seconds=self.lifetime_seconds)
        body_out = {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.lifetime_seconds,
        }
        return Reply(200, body_out, {"Cache-Control": "no-store"})

    def check(self, headers: dict[str, str]) -> None:
        authorization = headers.get("authorization", "")
        if not authorization.lower().startswith("bearer ") or not authorization[7:].strip():
            raise ApiFailure(
                401,
                "authentication.required",
                "No authentication bearer token specified in authorization header.",
            )
        expiry = self._tokens.get(authorization[7:].strip())
        if expiry is None or expiry <= self._now():
            raise ApiFailure(401, "bad.credentials", "Invalid login credentials.")

    def expire_all(self) -> None:
        self._tokens.clear()


def _oauth_error(status: int, error: str, description: str) -> Reply:
    return Reply(
        status, {"error": error, "description": description, "error_description": description}
    )
