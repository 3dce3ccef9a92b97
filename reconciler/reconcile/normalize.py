"""One comparable form per object, built from the manifest (desired) or from Genesys JSON (live).

The planner diffs these dicts, so both sides must agree exactly: manifest field names (camelCase
for external metrics and profiles, the seed-001 snake_case for achievements), names instead of
ids, server-owned fields (`id`, `selfUri`, `inUse`, `dateLastRefreshed`, `memberCount`, ...)
dropped, defaults written out, and order-insensitive lists (zones, reporting intervals) sorted.
The invariant this module exists for: apply, then plan again -> every object compares equal.

A field the manifest leaves unset on purpose (a profile metric's `precision` or
`timeDisplayUnit`) normalises to None on the desired side and means "whatever Genesys keeps";
`UNMANAGED_WHEN_UNSET` lists them so the planner does not report a server default as drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..manifests.models import (
    Achievement,
    ExternalMetric,
    IntervalType,
    ObjectiveType,
    Profile,
    ProfileMetric,
)

Normalized = dict[str, Any]

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
_INTERVAL_ORDER = {kind.value: index for index, kind in enumerate(IntervalType)}


@dataclass(frozen=True)
class Lookup:
    """Per-org id <-> name maps the normal forms need (built by `live.LiveState.lookup`).

    `objective_types` maps an external metric's name to its objective type (the manifest's value
    when declared, else the live one): the target shorthand expands differently per type.
    """

    external_metric_names: Mapping[str, str] = field(default_factory=dict)  # id -> name
    native_metric_names: Mapping[str, str] = field(default_factory=dict)  # id -> name
    division_names: Mapping[str, str] = field(default_factory=dict)  # id -> name
    home_division: str | None = None
    objective_types: Mapping[str, ObjectiveType] = field(default_factory=dict)


# --- small value helpers -----------------------------------------------------------------------


def _int(value: Any) -> Any:
    """Genesys stores zone values as int32; JSON may still carry `100.0`."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _number(value: Any) -> Any:
    """Trigger values are floats in the model; `50` and `50.0` must compare equal."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    return value


def _zone_key(zone: Normalized) -> tuple[Any, ...]:
    def bound(value: Any) -> tuple[int, float]:
        return (1, 0.0) if value is None else (0, float(value))

    return (
        bound(zone.get("lowerLimitValue")),
        bound(zone.get("upperLimitValue")),
        str(zone.get("zoneType")),
        str(zone.get("label")),
    )


def sort_zones(zones: list[Normalized]) -> list[Normalized]:
    """Zones are a set of value ranges; order carries no meaning, so compare them sorted."""
    return sorted(zones, key=_zone_key)


def _intervals(intervals: Any) -> list[Normalized]:
    items = [
        {"intervalType": str(i.get("intervalType")), "intervalValue": _int(i.get("intervalValue"))}
        for i in (intervals or [])
        if isinstance(i, Mapping)
    ]
    return sorted(
        items, key=lambda i: (_INTERVAL_ORDER.get(i["intervalType"], 99), i["intervalValue"])
    )


def profile_metric_name(profile: str, metric: str) -> str:
    """The plan address of a profile metric: `Profile Name/Metric Name`."""
    return f"{profile}/{metric}"


# --- external metrics ----------------------------------------------------------------------------


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


# --- profiles -------------------------------------------------------------------------------------


def desired_profile(profile: Profile, lookup: Lookup) -> Normalized:
    """The profile without its metrics (those are objects of their own in the plan)."""
    return {
        "name": profile.name,
        "description": profile.description,
        "division": profile.division or lookup.home_division,
        "reportingIntervals": _intervals(
            [i.model_dump(mode="json", by_alias=True) for i in profile.reporting_intervals]
        ),
        "maxLeaderboardRankSize": profile.max_leaderboard_rank_size,
        "active": profile.active,
    }


def live_profile(raw: Mapping[str, Any], lookup: Lookup) -> Normalized:
    division = raw.get("division") or {}
    division_name = division.get("name") or lookup.division_names.get(str(division.get("id")))
    return {
        "name": raw.get("name"),
        "description": raw.get("description") or "",
        "division": division_name,
        "reportingIntervals": _intervals(raw.get("reportingIntervals")),
        "maxLeaderboardRankSize": raw.get("maxLeaderboardRankSize"),
        "active": bool(raw.get("active", False)),
    }


# --- profile metrics ------------------------------------------------------------------------------


def desired_zones(metric: ProfileMetric, objective_type: ObjectiveType | None) -> list[Normalized]:
    if metric.zones is not None:
        zones = metric.zones
    else:
        # Imported here: objectives.py is owned by the manifests area and imports the models.
        from ..manifests.objectives import zones_for

        zones = zones_for(metric, objective_type)
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
    return {key: _int(raw.get(key)) for key in _ZONE_KEYS}


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


# --- achievements (seed 001 payload) -------------------------------------------------------------


def desired_achievement(achievement: Achievement) -> Normalized:
    data = achievement.model_dump(mode="json")
    data["trigger"]["value"] = _number(data["trigger"]["value"])
    return data


def live_achievement(raw: Mapping[str, Any], lookup: Lookup) -> Normalized:
    trigger = raw.get("trigger") or {}
    condition = trigger.get("condition") or {}
    metric_id = str(trigger.get("metric_id"))
    metric = (
        lookup.external_metric_names.get(metric_id)
        or lookup.native_metric_names.get(metric_id)
        or f"<unknown metric {metric_id}>"
    )
    notifications = raw.get("notifications") or {}
    email = notifications.get("email") or {}
    push = notifications.get("push") or {}
    return {
        "name": raw.get("name"),
        "description": raw.get("description") or "",
        "type": raw.get("type", "ACHIEVEMENT"),
        "completion_type": raw.get("completion_type"),
        "scope_type": raw.get("scope_type"),
        "trigger": {
            "metric": metric,
            "operator": condition.get("operator"),
            "value": _number(condition.get("value")),
            "sustained_days": trigger.get("sustained_days"),
        },
        "notifications": {
            "toast": bool(notifications.get("toast", False)),
            "email": {
                "enabled": bool(email.get("enabled", False)),
                "subject": email.get("subject"),
                "body": email.get("body"),
            },
            "push": {
                "enabled": bool(push.get("enabled", False)),
                "title": push.get("title"),
                "body": push.get("body"),
                "deep_link": push.get("deep_link"),
            },
        },
    }
