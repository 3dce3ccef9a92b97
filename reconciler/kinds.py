"""The shared vocabulary of every layer: resource kinds, addresses, and content checksums.

It sits below manifests, the client and the reconciler so that each of them can name a kind or
fingerprint data without reaching up into the plan.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """Resource kinds in dependency order (the order apply runs them in)."""

    EXTERNAL_METRIC = "externalMetric"
    PROFILE = "profile"
    PROFILE_METRIC = "profileMetric"
    PROFILE_MEMBERS = "profileMembers"  # named after its profile
    ACHIEVEMENT = "achievement"


KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}

#: An object's identity in manifests and in the org alike: its kind and its name.
Address = tuple[Kind, str]


def checksum(data: Any) -> str:
    """sha256 of the canonical JSON of `data`: equal data, equal checksum, on every machine."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
