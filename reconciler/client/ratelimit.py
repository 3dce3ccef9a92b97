"""A client-side rate limiter shared by every worker thread of one client.

Genesys allows 300 requests per minute per client-credentials token and answers 429 beyond it.
The limiter keeps a run under the limit instead of bouncing off it: a token bucket whose
capacity ``C`` (one request unless configured) plus ``60 s × refill`` equals the limit, so no
60-second window — fixed, sliding or bucket-shaped on the server — ever sees more than the limit.

The server has the last word: a 429's ``Retry-After`` pauses *every* worker until then, and
the bucket restarts empty so they do not stampede; a lower ``inin-ratelimit-allowed`` than
configured lowers the client's pace to it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping

__all__ = ["RateLimiter"]

MAX_PAUSE_CHECKS = 1000


class RateLimiter:
    """Thread-safe token bucket; ``per_minute=None`` disables client-side pacing."""

    def __init__(
        self,
        per_minute: int | None = 300,
        *,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute is not None and per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        #: The last `inin-ratelimit-allowed` the server sent (None until one arrives).
        self.announced: int | None = None
        self.per_minute: int | None = None
        self.capacity = 0.0
        self.rate = math.inf
        self._floor = 0.0
        self._tokens = 0.0
        self._configure(per_minute, burst)
        self._tokens = self.capacity
        self._updated = clock()
        self._paused_until = 0.0
        self.waited = 0.0  # total seconds callers spent waiting, for benchmarks

    def acquire(self) -> None:
        """Block until one request may be sent."""
        with self._lock:
            now = self._clock()
            wait = max(0.0, self._paused_until - now)
            if self.per_minute is not None:
                self._refill(now)
                # Reserve the token now (the balance may go negative) and wait for it outside
                # the lock: callers are served in arrival order and never spin.
                self._tokens -= 1.0
                if self._tokens < 0:
                    wait = max(wait, -self._tokens / self.rate)
            self.waited += wait
        if wait > 0:
            self._sleep(wait)
        # A 429 may have paused everyone while this caller slept (bounded: each pass sleeps
        # out a pause, and pauses only come from 429s, which are bounded per request).
        for _ in range(MAX_PAUSE_CHECKS):
            with self._lock:
                remaining = self._paused_until - self._clock()
                if remaining > 0:
                    self.waited += remaining
            if remaining <= 0:
                return
            self._sleep(remaining)

    def pause(self, seconds: float) -> None:
        """Hold every worker back for ``seconds`` (a 429 said so) and slow down from then on.

        A 429 means the server's limit is stricter than our model of it (a smaller bucket, or
        other clients sharing the token): the bucket restarts empty, holds one request at a
        time, and refills 5% slower per 429, down to half the configured rate.
        """
        if seconds <= 0:
            return
        with self._lock:
            now = self._clock()
            self._paused_until = max(self._paused_until, now + seconds)
            self._refill(now)
            self._tokens = min(self._tokens, 0.0)
            self._updated = max(self._updated, self._paused_until)
            if self.per_minute is not None:
                self.capacity = 1.0
                self.rate = max(self.rate * 0.95, self._floor)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Slow down to the server's advertised limit when it is lower than ours.

        ``inin-ratelimit-allowed`` is the limit the server enforces for this token (support
        can lower or raise it per org). The other two headers are not acted on: what
        ``count`` counts is not documented (per window or in total), and a 429's
        ``Retry-After`` already says exactly how long to wait.
        """
        raw = headers.get("inin-ratelimit-allowed")
        if raw is None:
            return
        try:
            allowed = int(raw)
        except ValueError:
            return
        self.announced = allowed  # what `reconciler doctor` reports
        with self._lock:
            if allowed >= 1 and (self.per_minute is None or allowed < self.per_minute):
                self._configure(allowed, None)

    def _configure(self, per_minute: int | None, burst: int | None) -> None:
        self.per_minute = per_minute
        if per_minute is None:
            self.capacity = 0.0
            self.rate = math.inf
            return
        # One request up front by default: steady pacing leaves a server's own bucket nearly
        # full, and that spare absorbs requests bunched up by network jitter.
        self.capacity = float(burst if burst is not None else 1)
        # What the bucket may hold up front is taken off the refill, so a full minute stays
        # within the limit even when it starts with a full bucket.
        self.rate = max(per_minute - self.capacity, 1.0) / 60.0
        self._floor = self.rate / 2
        self._tokens = min(self._tokens, self.capacity)

    def _refill(self, now: float) -> None:
        if now > self._updated:
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
