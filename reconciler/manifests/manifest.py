"""The loaded desired state of one environment: settings, resources and where each was declared."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..kinds import checksum
from .environment import Environment
from .models import Resources
from .yamlsource import Node


@dataclass(frozen=True)
class Manifest:
    """What `loader.load()` returns and `planner.plan()` consumes.

    `sources` maps `(kind, name)` (kind as in `plan.Kind`) to the `file:line` that declares it,
    so plans and reports can point at the manifest line. `located` keeps the located YAML of
    each object under the same keys (`loader.locate()` turns a field path into file:line:column);
    it is empty for manifests built in code.
    """

    name: str
    root: Path
    environment: Environment
    resources: Resources
    sources: Mapping[tuple[str, str], str] = field(default_factory=dict)
    located: Mapping[tuple[str, str], Node] = field(default_factory=dict, compare=False, repr=False)

    def checksum(self) -> str:
        """Checksum of the effective desired state (after extends, overlays and variables)."""
        return checksum(
            {
                "environment": self.environment.model_dump(mode="json"),
                "resources": self.resources.model_dump(mode="json", by_alias=True),
            }
        )
