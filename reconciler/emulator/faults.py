"""Fault injection: latency, 5xx, dropped connections, lost responses and 429 storms.

Decisions come from one seeded RNG, so a run with the same ``seed`` and the same request order
injects the same faults. Faults apply to the Genesys API surface (``/api/...``) only — never to
``POST /oauth/token`` nor to the emulator-only ``/__emulator`` endpoints.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, fields
from enum import Enum
from typing import Any


@dataclass(frozen=True)
class Faults:
    latency_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 503
    drop_rate: float = 0.0
    lost_response_rate: float = 0.0
    storm: int = 0  # the next N requests get 429
    storm_retry_after: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate", "lost_response_rate"):
            rate = getattr(self, name)
            if not 0.0 <= rate <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {rate}")
        if self.latency_ms < 0 or self.storm < 0 or self.storm_retry_after < 0:
            raise ValueError("latency_ms, storm and storm_retry_after cannot be negative")
        if not 400 <= self.error_status <= 599:
            raise ValueError(f"error_status must be an HTTP error status, not {self.error_status}")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Faults:
        known = {f.name for f in fields(cls)}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        return cls(**raw)


class Fault(Enum):
    NONE = "none"
    DROP = "drop"  # close the connection before processing the request
    LOST_RESPONSE = "lost_response"  # process the request, then close without answering
    ERROR = "error"
    STORM = "storm"


class FaultInjector:
    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._rng = random.Random(faults.seed)
        self._storm_left = faults.storm

    def decide(self) -> Fault:
        if self._storm_left > 0:
            self._storm_left -= 1
            return Fault.STORM
        f = self.faults
        # Always draw three numbers so one rate's setting does not shift another's sequence.
        drop, lost, error = self._rng.random(), self._rng.random(), self._rng.random()
        if drop < f.drop_rate:
            return Fault.DROP
        if error < f.error_rate:
            return Fault.ERROR
        if lost < f.lost_response_rate:
            return Fault.LOST_RESPONSE
        return Fault.NONE
