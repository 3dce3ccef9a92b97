"""What the emulator answers to one request, and what it records of it.

Shared by the dispatcher (`app`), the in-process transport and the loopback server, so that none
of them needs to import another to speak of an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .faults import Fault


@dataclass(frozen=True)
class RequestRecord:
    """One request the emulator saw; ``status`` is None when the connection was dropped."""

    method: str
    path: str
    status: int | None
    fault: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "fault": self.fault,
        }


@dataclass
class Outcome:
    """What to send back; ``fault`` DROP / LOST_RESPONSE means: close the connection instead."""

    status: int
    headers: dict[str, str]
    body: bytes
    fault: Fault = Fault.NONE
