"""The emulated org's state: plain JSON collections, persisted atomically after every change.

``OrgState.collections`` maps a kind to ``{id: object}``, each object stored exactly as the API
returns it (camelCase JSON), so the state file reads like a dump of the org:

    divisions        AuthzDivision             metricDefinitions  native MetricDefinition (RO)
    externalMetrics  ExternalMetricDefinition  profiles           PerformanceProfile
    profileMetrics   Metric (+ performanceProfileId)
    users            User                      businessUnits      BusinessUnitResponse
    managementUnits  {id, businessUnitId, name, userIds}
    groups           Group (+ _memberIds)
    achievements     seed-001 achievement objects
    templates        ObjectiveTemplate (read-only)

``data_points`` maps ``"metricId|userId|yyyy-mm-dd"`` to ``{"value", "count"}``: the store behind
``POST /api/v2/employeeperformance/externalmetrics/data``, which Genesys offers no way to read.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError

KINDS = (
    "divisions",
    "metricDefinitions",
    "externalMetrics",
    "profiles",
    "profileMetrics",
    "users",
    "businessUnits",
    "managementUnits",
    "groups",
    "achievements",
    "templates",
)

FORMAT_VERSION = 1

JsonObject = dict[str, Any]


@dataclass
class OrgState:
    collections: dict[str, dict[str, JsonObject]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )
    data_points: dict[str, JsonObject] = field(default_factory=dict)

    def kind(self, kind: str) -> dict[str, JsonObject]:
        if kind not in self.collections:
            raise KeyError(f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
        return self.collections[kind]

    def to_json(self) -> JsonObject:
        return {
            "formatVersion": FORMAT_VERSION,
            "collections": self.collections,
            "dataPoints": self.data_points,
        }

    @classmethod
    def from_json(cls, raw: Any) -> OrgState:
        if not isinstance(raw, dict) or raw.get("formatVersion") != FORMAT_VERSION:
            raise ValueError("not an emulator state file of this version")
        collections = raw.get("collections")
        points = raw.get("dataPoints")
        if not isinstance(collections, dict) or not isinstance(points, dict):
            raise ValueError("state file lacks collections/dataPoints")
        state = cls()
        for kind in KINDS:
            objects = collections.get(kind, {})
            if not isinstance(objects, dict):
                raise ValueError(f"collection {kind} is not an object")
            state.collections[kind] = objects
        state.data_points = points
        return state


def load(path: Path) -> OrgState | None:
    """The state saved at ``path``, or None when there is no file yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigurationError(f"cannot read emulator state {path}: {error.strerror}") from error
    try:
        return OrgState.from_json(json.loads(text))
    except ValueError as error:
        raise ConfigurationError(f"emulator state {path} is unreadable: {error}") from error


def save(state: OrgState, path: Path) -> None:
    """Write via a temp file + os.replace so a killed process never leaves half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise ConfigurationError(f"cannot write emulator state {path}: {error.strerror}") from error
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            # Compact: json uses its C encoder only without indent, and this runs on every write.
            handle.write(json.dumps(state.to_json(), separators=(",", ":")))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
