"""The loaded desired state of one environment: settings, resources and where each was declared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .environment import Environment
from .models import Resources
from .plan import checksum


@dataclass(frozen=True)
class Manifest:
    """What `loader.load()` returns and `planner.plan()` consumes.

    `sources` maps `(kind, name)` (kind as in `plan.Kind`) to the `file:line` that declares it,
    so plans and reports can point at the manifest line.
    """

    name: str
    root: Path
    environment: Environment
    resources: Resources
    sources: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def checksum(self) -> str:
        """Checksum of the effective desired state (after extends, overlays and variables)."""
        return checksum(
            {
                "environment": self.environment.model_dump(mode="json"),
                "resources": self.resources.model_dump(mode="json", by_alias=True),
            }
        )
