"""When a failed request is sent again, and how long to wait first.

Only requests that are safe to repeat are retried after the server may have acted on them:
GET, PUT, PATCH and DELETE (each replaces or removes state, so a second copy changes nothing)
and POSTs the caller marks idempotent. A plain POST (a create) is retried only when the
server certainly did not act on it: 429 (refused by the rate limiter), 503 (refused as too
busy — Genesys's own SDKs retry it for every method) or a connection that was never made.
A timeout or dropped connection after the body left, or a 500/502/504 (the server or a gateway
failed somewhere mid-way), raises ``UncertainWriteError`` so the caller looks before it writes
again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["IDEMPOTENT_METHODS", "RETRYABLE_STATUSES", "RetryPolicy"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
# 408 client timeout, 429 rate limited, and the server-side failures worth a second try.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Answers that refuse a request before it is processed: safe to retry even for a create.
REFUSED_STATUSES = frozenset({429, 503})
# The server (or a gateway in front of it) failed somewhere mid-way: a create may have happened.
UNCERTAIN_STATUSES = frozenset({500, 502, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds on retrying: ``attempts`` in all, within ``total_seconds`` of the first try.

    Backoff is "full jitter": a uniform draw from ``[0, min(max_delay, base_delay * 2**n))``,
    so concurrent workers that failed together do not retry together. A ``Retry-After``
    longer than ``max_retry_after`` (Genesys sends hours for daily-quota breaches) is not
    waited out: the request fails with the server's error instead.
    """

    attempts: int = 6
    total_seconds: float = 120.0
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 180.0
    default_retry_after: float = 3.0
    # 429s do not use up ``attempts`` (the server says exactly when to come back) but are
    # bounded on their own and by ``total_seconds``.
    max_rate_limited: int = 30

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.total_seconds < 0 or self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("durations must not be negative")

    def backoff(self, retry_number: int, rng: random.Random) -> float:
        """Seconds to wait before retry number ``retry_number`` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(0, retry_number - 1)))
        return rng.uniform(0.0, ceiling)

    def status_retryable(self, status: int, *, idempotent: bool) -> bool:
        """Whether an answer with ``status`` may be retried for a request of this kind."""
        if status in REFUSED_STATUSES:
            return True
        return idempotent and status in RETRYABLE_STATUSES


NO_RETRY = RetryPolicy(attempts=1, total_seconds=0.0)
