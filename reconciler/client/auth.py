"""OAuth client credentials: who we are, and the bearer token we hold for it.

Client-credentials tokens cannot be refreshed, only fetched again; a token is reused until
shortly before ``expires_in`` runs out, and dropped at once when the API answers 401 (it was
revoked, or the server restarted). One lock makes concurrent workers share one fetch.
"""

from __future__ import annotations

import base64
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Credentials", "TokenCache"]


@dataclass(frozen=True)
class Credentials:
    """An OAuth client's id and secret; the secret never shows in ``repr``."""

    client_id: str
    client_secret: str = field(repr=False)

    def basic_authorization(self) -> str:
        """The ``Authorization`` header value for the token request."""
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class IssuedToken:
    access_token: str = field(repr=False)
    expires_in: float


class TokenCache:
    """Hands out a valid bearer token, fetching one when none is held or it is about to expire."""

    def __init__(
        self,
        fetch: Callable[[], IssuedToken],
        *,
        clock: Callable[[], float] = time.monotonic,
        early_expiry: float = 60.0,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._early_expiry = early_expiry
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        # Every token handed out recently, so error messages can be scrubbed of all of them.
        # Its own lock: errors raised while a fetch holds ``_lock`` are scrubbed too.
        self._issued: deque[str] = deque(maxlen=16)
        self._issued_lock = threading.Lock()
        self.fetches = 0

    def __repr__(self) -> str:
        state = "held" if self._token else "empty"
        return f"<TokenCache {state}>"

    def get(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at:
                issued = self._fetch()
                self.fetches += 1
                self._token = issued.access_token
                with self._issued_lock:
                    self._issued.append(issued.access_token)
                # Short-lived tokens (tests, emulators) still get some use out of the margin.
                margin = min(self._early_expiry, issued.expires_in / 10)
                self._expires_at = self._clock() + issued.expires_in - margin
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` after a 401 — unless another worker already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None

    def known_tokens(self) -> tuple[str, ...]:
        with self._issued_lock:
            return tuple(self._issued)
