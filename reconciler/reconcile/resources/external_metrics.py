"""External metric definitions: the KPIs a CRM pushes values into.

Normal form: manifest field names (`name`, `unit`, `unitDefinition`, `precision`,
`defaultObjectiveType`, `enabled`). API: `GenesysClient.list_external_metrics`,
`create_external_metric` (POST), `patch_external_metric` (PATCH: only `PATCHABLE` fields; a
changed unit is a replace) and `delete_external_metric` (409 while a profile metric holds it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...manifests.models import (
    ExternalMetric,
)
from ..normalize import JSON, Normalized, without_none
from ..plan import Action


def desired_external_metric(metric: ExternalMetric) -> Normalized:
    return metric.model_dump(mode="json", by_alias=True)


def live_external_metric(raw: Mapping[str, Any]) -> Normalized:
    return {
        "name": raw.get("name"),
        "unit": raw.get("unit"),
        "unitDefinition": raw.get("unitDefinition") or None,
        "precision": raw.get("precision"),
        "defaultObjectiveType": raw.get("defaultObjectiveType"),
        "enabled": bool(raw.get("enabled", True)),
    }


def external_metric_body(desired: Mapping[str, Any]) -> JSON:
    keys = ("name", "unit", "unitDefinition", "precision", "defaultObjectiveType", "enabled")
    return without_none({key: desired.get(key) for key in keys})


#: Fields PATCH accepts; unit and unitDefinition are immutable (a change is a replace).
PATCHABLE = ("name", "precision", "defaultObjectiveType", "enabled")


def external_metric_patch(action: Action) -> JSON:
    desired = action.desired or {}
    changed = {change.path.split(".")[0].split("[")[0] for change in action.changes}
    return {key: desired.get(key) for key in PATCHABLE if key in changed}
