"""The one place that sends HTTP: auth, rate limit, retries, and httpx errors become ApiError.

Every request goes through ``Requester.request``: wait for the rate limiter, attach a bearer
token (fetched on demand, fetched again once after a 401), send, and classify the outcome with
``RetryPolicy``. Genesys error bodies (``code``, ``message``, ``contextId``) and the
``inin-correlation-id`` header become the fields of ``ApiError``; no token or secret is ever
part of an error message.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ..errors import ApiError, UncertainWriteError
from .auth import Credentials, IssuedToken, TokenCache
from .ratelimit import RateLimiter
from .retry import IDEMPOTENT_METHODS, UNCERTAIN_STATUSES, RetryPolicy

__all__ = ["Requester", "error_from_response", "parse_retry_after"]

log = logging.getLogger("reconciler.client")

TOKEN_PATH = "/oauth/token"
# Raised before a single byte of the request left: the server cannot have acted on it.
_NOT_SENT: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)
# Configuration mistakes: retrying cannot help. (Every other httpx.RequestError — transport
# failures, and a body that fails to decode — is retried when safe, uncertain when not.)
_FATAL: tuple[type[Exception], ...] = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)

Params = Mapping[str, Any] | list[tuple[str, Any]] | None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _describe(exc: Exception) -> str:
    # httpx ends some messages with a period; callers continue the sentence after this.
    detail = str(exc).strip().rstrip(".")
    name = type(exc).__name__
    return f"{name}: {detail}" if detail else name


def error_from_response(
    method: str,
    path: str,
    response: httpx.Response,
    *,
    cls: type[ApiError] = ApiError,
    scrub: Callable[[str], str] = lambda text: text,
) -> ApiError:
    """Build the ApiError for a non-success response from its Genesys (or OAuth) error body."""
    code: str | None = None
    message: str | None = None
    context_id: str | None = None
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        raw_code = body.get("code", body.get("error"))
        raw_message = body.get("message", body.get("error_description", body.get("description")))
        raw_context = body.get("contextId")
        code = str(raw_code) if raw_code is not None else None
        message = str(raw_message) if raw_message is not None else None
        context_id = str(raw_context) if raw_context is not None else None
    if message is None:
        text = response.text.strip()
        message = text[:200] if text else response.reason_phrase or None
    correlation_id = response.headers.get("inin-correlation-id") or context_id
    return cls(
        method,
        path,
        response.status_code,
        code=code,
        message=scrub(message) if message else None,
        correlation_id=correlation_id,
    )


class Requester:
    """Sends API requests with auth, pacing and retries; thread-safe."""

    def __init__(
        self,
        *,
        base_url: str,
        login_url: str,
        credentials: Credentials,
        transport: httpx.BaseTransport | None,
        timeout: float,
        limiter: RateLimiter,
        policy: RetryPolicy,
        max_connections: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._credentials = credentials
        self._login_url = login_url.rstrip("/")
        self._limiter = limiter
        self._policy = policy
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._rng_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self.request_count = 0
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=timeout,
            limits=httpx.Limits(
                max_connections=max_connections, max_keepalive_connections=max_connections
            ),
            headers={"Accept": "application/json", "User-Agent": "reconciler"},
            follow_redirects=False,
        )
        self.tokens = TokenCache(self._fetch_token, clock=clock)

    def __repr__(self) -> str:
        return f"<Requester {self._http.base_url} client_id={self._credentials.client_id!r}>"

    @property
    def client_id(self) -> str:
        return self._credentials.client_id

    def close(self) -> None:
        self._http.close()

    # -- secrets ---------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """Remove the secret and every token this client holds from ``text``."""
        secrets = [self._credentials.client_secret, *self.tokens.known_tokens()]
        basic = self._credentials.basic_authorization().removeprefix("Basic ")
        for secret in [*secrets, basic]:
            if secret:
                text = text.replace(secret, "***")
        return text

    # -- the request loop ------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """Send one API request and return its decoded JSON body (``None`` when empty).

        ``idempotent`` defaults to "not a POST"; pass True for POSTs that may safely be
        repeated (activate/deactivate, overwriting data writes).
        """
        method = method.upper()
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        policy = self._policy
        started = self._clock()
        failures = 0
        rate_limited = 0
        reauthenticated = False
        maybe_delivered = False  # an earlier attempt may have reached the server
        # Bounded: every pass either returns, raises, or uses up one of these budgets.
        for _ in range(policy.attempts + policy.max_rate_limited + 2):
            self._limiter.acquire()
            token = self.tokens.get()
            try:
                response = self._send(method, path, params, json, token)
            except httpx.RequestError as exc:
                sent = not isinstance(exc, _NOT_SENT)
                maybe_delivered = maybe_delivered or sent
                if sent and not safe:
                    raise UncertainWriteError(
                        method,
                        path,
                        None,
                        message=f"{self.scrub(_describe(exc))} after the request was sent; "
                        "it may or may not have been applied — check before sending it again",
                    ) from exc
                where = str(self._http.base_url).rstrip("/")
                message = f"{self.scrub(_describe(exc))} (at {where})"
                error = ApiError(method, path, None, message=message)
                if isinstance(exc, _FATAL):
                    raise error from exc
                failures += 1
                self._backoff_or_raise(error, failures, started, None, exc)
                continue

            self._limiter.observe(response.headers)
            status = response.status_code
            if status < 400:
                return self._decode(method, path, response)
            if status == 404 and method == "DELETE" and maybe_delivered:
                # The first DELETE did arrive; its answer was lost. Gone is what was asked for.
                log.info("%s %s -> 404 after a lost response: already deleted", method, path)
                return None
            if status == 401 and not reauthenticated:
                # Expired or revoked: one fresh token, then the 401 stands.
                reauthenticated = True
                self.tokens.invalidate(token)
                log.info("%s %s -> 401, fetching a new token", method, path)
                continue
            cls = UncertainWriteError if not safe and status in UNCERTAIN_STATUSES else ApiError
            error = error_from_response(method, path, response, cls=cls, scrub=self.scrub)
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if status == 429:
                rate_limited += 1
                wait = policy.default_retry_after if retry_after is None else retry_after
                elapsed = self._clock() - started
                if (
                    rate_limited > policy.max_rate_limited
                    or wait > policy.max_retry_after
                    or elapsed + wait > policy.total_seconds
                ):
                    raise error
                log.info("%s %s -> 429, every worker waits %.1f s", method, path, wait)
                self._limiter.pause(wait)
                continue
            if not policy.status_retryable(status, idempotent=safe):
                raise error
            # A 5xx may have been raised after the change was made (a gateway timing out).
            maybe_delivered = maybe_delivered or status >= 500
            failures += 1
            self._backoff_or_raise(error, failures, started, retry_after, None)
        raise ApiError(method, path, None, message="gave up: retry budget exhausted")

    def _backoff_or_raise(
        self,
        error: ApiError,
        failures: int,
        started: float,
        retry_after: float | None,
        cause: Exception | None,
    ) -> None:
        policy = self._policy
        if retry_after is not None and retry_after <= policy.max_retry_after:
            delay = retry_after
        else:
            with self._rng_lock:
                delay = policy.backoff(failures, self._rng)
        elapsed = self._clock() - started
        if failures >= policy.attempts or elapsed + delay > policy.total_seconds:
            raise error from cause
        log.info("%s, retry %d in %.2f s", error, failures, delay)
        self._sleep(delay)

    def _send(
        self, method: str, path: str, params: Params, body: Any, token: str
    ) -> httpx.Response:
        with self._count_lock:
            self.request_count += 1
        return self._http.request(
            method,
            path,
            params=params,
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )

    def _decode(self, method: str, path: str, response: httpx.Response) -> Any:
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ApiError(
                method, path, response.status_code, message="the response body is not JSON"
            ) from exc

    # -- the token request -----------------------------------------------------------------

    def _fetch_token(self) -> IssuedToken:
        """POST /oauth/token on the login host; retried freely, a new token harms nothing."""
        policy = self._policy
        started = self._clock()
        url = self._login_url + TOKEN_PATH
        for failures in range(1, policy.attempts + 1):
            try:
                response = self._http.post(
                    url,
                    data={"grant_type": "client_credentials"},
                    headers={"Authorization": self._credentials.basic_authorization()},
                )
            except httpx.RequestError as exc:
                message = f"{self.scrub(_describe(exc))} (at {self._login_url})"
                error = ApiError("POST", TOKEN_PATH, None, message=message)
                if isinstance(exc, _FATAL):
                    raise error from exc
                self._backoff_or_raise(error, failures, started, None, exc)
                continue
            if response.status_code == 200:
                return self._issued(response)
            error = error_from_response("POST", TOKEN_PATH, response, scrub=self.scrub)
            if response.status_code not in (429, 500, 502, 503, 504):
                raise error  # bad credentials and the like: retrying cannot help
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            self._backoff_or_raise(error, failures, started, retry_after, None)
        raise ApiError("POST", TOKEN_PATH, None, message="gave up: retry budget exhausted")

    def _issued(self, response: httpx.Response) -> IssuedToken:
        try:
            body = response.json()
            token = body["access_token"]
            expires_in = float(body.get("expires_in", 86399))
        except (ValueError, KeyError, TypeError) as exc:
            raise ApiError(
                "POST", TOKEN_PATH, response.status_code, message="malformed token response"
            ) from exc
        if not isinstance(token, str) or not token:
            raise ApiError("POST", TOKEN_PATH, response.status_code, message="empty access token")
        return IssuedToken(token, expires_in)
