"""Profile metrics: what a profile scores (an external or native metric), and its zones.

Normal form: addressed `Profile/Metric`, the measured metric by name, zones sorted, and the
fields a manifest leaves unset (`UNMANAGED_WHEN_UNSET`) taken from live. API:
`GenesysClient.list_profile_metrics`, `create_profile_metric` (POST) and `update_profile_metric`
(a full PUT: the objective settings a manifest does not manage are sent back as they are).
Removing one means disabling its objective; the metric it measures cannot change in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...manifests.models import (
    ObjectiveType,
    ProfileMetric,
)
from ...manifests.objectives import zones_for
from ..normalize import JSON, Lookup, Normalized, as_int, sort_zones, without_none

#: Profile-metric fields where None on the desired side means "not managed by the manifest".
UNMANAGED_WHEN_UNSET: tuple[str, ...] = ("precision", "timeDisplayUnit")


_ZONE_KEYS = (
    "label",
    "zoneType",
    "directionType",
    "lowerLimitValue",
    "upperLimitValue",
    "lowerLimitPoints",
    "upperLimitPoints",
)


def profile_metric_name(profile: str, metric: str) -> str:
    """The plan address of a profile metric: `Profile Name/Metric Name`."""
    return f"{profile}/{metric}"


def desired_zones(metric: ProfileMetric, objective_type: ObjectiveType | None) -> list[Normalized]:
    zones = metric.zones if metric.zones is not None else zones_for(metric, objective_type)
    return sort_zones([zone.model_dump(mode="json", by_alias=True) for zone in zones])


def desired_profile_metric(profile: str, metric: ProfileMetric, lookup: Lookup) -> Normalized:
    objective_type: ObjectiveType | None = None
    if metric.external_metric is not None:
        objective_type = lookup.objective_types.get(metric.external_metric)
    elif metric.target is not None and metric.target.direction is not None:
        objective_type = ObjectiveType(metric.target.direction)
    return {
        "profile": profile,
        "name": metric.name,
        "externalMetric": metric.external_metric,
        "nativeMetric": metric.native_metric,
        "precision": metric.precision,
        "timeDisplayUnit": metric.time_display_unit.value if metric.time_display_unit else None,
        "enabled": metric.enabled,
        "zones": desired_zones(metric, objective_type),
    }


def live_zone(raw: Mapping[str, Any]) -> Normalized:
    return {key: as_int(raw.get(key)) for key in _ZONE_KEYS}


def live_profile_metric(profile: str, raw: Mapping[str, Any], lookup: Lookup) -> Normalized:
    objective = raw.get("objective") or {}
    external_id = raw.get("externalMetricDefinitionId")
    native_id = raw.get("metricDefinitionId")
    external = lookup.external_metric_names.get(str(external_id)) if external_id else None
    native = lookup.native_metric_names.get(str(native_id)) if native_id else None
    if external_id and external is None:
        external = f"<unknown external metric {external_id}>"
    if native_id and native is None and not external_id:
        native = f"<unknown metric definition {native_id}>"
    return {
        "profile": profile,
        "name": raw.get("name"),
        "externalMetric": external,
        "nativeMetric": None if external_id else native,
        "precision": raw.get("precision"),
        "timeDisplayUnit": raw.get("timeDisplayUnit"),
        "enabled": bool(objective.get("enabled", True)),
        "zones": sort_zones([live_zone(z) for z in objective.get("zones") or []]),
    }


def manage_only_set_fields(desired: Normalized, live: Normalized) -> Normalized:
    """Desired with unset optional fields taken from live, so server defaults never diff."""
    merged = dict(desired)
    for key in UNMANAGED_WHEN_UNSET:
        if key in merged and merged[key] is None:
            merged[key] = live.get(key)
    return merged


_OBJECTIVE_KEPT = (
    "templateId",
    "mediaTypes",
    "topicIdsFilterType",
    "evaluationFormContextIds",
    "initialDirection",
)


def objective_body(
    zones: Iterable[Mapping[str, Any]], enabled: bool, live_objective: Mapping[str, Any] | None
) -> JSON:
    """The objective to send: managed zones/enabled, plus the live settings the manifest does
    not manage (queues, media types, template), so a full PUT does not wipe them."""
    body: JSON = {}
    for key in _OBJECTIVE_KEPT:
        if live_objective and live_objective.get(key) is not None:
            body[key] = live_objective[key]
    if live_objective and live_objective.get("queues"):
        body["queueIds"] = [q.get("id") for q in live_objective["queues"]]
    if live_objective and live_objective.get("topics"):
        body["topicIds"] = [t.get("id") for t in live_objective["topics"]]
    body["enabled"] = enabled
    body["zones"] = [without_none(zone) for zone in zones]
    return body


def profile_metric_body(
    desired: Mapping[str, Any], measured: tuple[str, str], live_raw: Mapping[str, Any] | None
) -> JSON:
    id_field, measured_id = measured
    body: JSON = {"name": desired["name"], id_field: measured_id}
    if desired.get("precision") is not None:
        body["precision"] = desired["precision"]
    if desired.get("timeDisplayUnit") is not None:
        body["timeDisplayUnit"] = desired["timeDisplayUnit"]
    live_objective = (live_raw or {}).get("objective")
    body["objective"] = objective_body(desired["zones"], desired["enabled"], live_objective)
    return body


def disable_metric_body(live_raw: Mapping[str, Any]) -> JSON:
    id_field = (
        "externalMetricDefinitionId"
        if live_raw.get("externalMetricDefinitionId")
        else "metricDefinitionId"
    )
    objective = live_raw.get("objective") or {}
    body: JSON = {"name": live_raw["name"], id_field: live_raw[id_field]}
    for key in ("precision", "timeDisplayUnit"):
        if live_raw.get(key) is not None:
            body[key] = live_raw[key]
    body["objective"] = objective_body(objective.get("zones") or [], False, objective)
    return body
