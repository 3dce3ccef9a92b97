"""Genesys-style rate limiting: a token bucket per org, answered with 429 + Retry-After.

The bucket refills continuously at ``per_minute / 60`` tokens a second up to ``burst`` tokens
(default: one second's worth), so a client that spaces its requests at the limit never sees a
429 and a client that bursts above it does — exactly what the rate-limit benchmark measures.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # whole seconds, as Genesys sends it
    headers: dict[str, str]


class TokenBucket:
    def __init__(self, per_minute: int, burst: int | None, clock: Callable[[], float]) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.per_minute = per_minute
        self.burst = burst if burst is not None else max(1, math.ceil(per_minute / 60))
        if self.burst <= 0:
            raise ValueError("burst must be positive")
        self._rate = per_minute / 60.0
        self._clock = clock
        self._tokens = float(self.burst)
        self._stamp = clock()
        self.count = 0  # requests admitted, for inin-ratelimit-count

    def take(self) -> Decision:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            self.count += 1
            return Decision(True, 0, self._headers())
        wait = (1.0 - self._tokens) / self._rate
        retry_after = max(1, math.ceil(wait))
        return Decision(False, retry_after, self._headers())

    def _headers(self) -> dict[str, str]:
        refill = (self.burst - self._tokens) / self._rate
        return {
            "inin-ratelimit-count": str(self.count),
            "inin-ratelimit-allowed": str(self.per_minute),
            "inin-ratelimit-reset": str(max(0, math.ceil(refill))),
        }
