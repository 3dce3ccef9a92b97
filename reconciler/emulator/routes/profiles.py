"""Gamification profiles, their metrics and the native metric catalogue (/api/v2/gamification).

No DELETE for profiles or profile metrics (405): a profile is deactivated, a metric is switched
off with ``objective.enabled: false``. Profiles are created with ``copyMetrics`` (default true:
copy the default profile's metrics). At most 50 metrics per profile. ``division`` and ``active``
are read-only on PUT. Profile-metric lists include ``objective`` only with ``expand=objective``;
``workday`` is accepted and ignored (objectives are not effective-dated here).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from ..errors import ApiFailure, bad_request
from ..routing import Call, Reply, Route
from ..seed import iso
from ..state import JsonObject, OrgState
from . import fields

BASE = "/api/v2/gamification/profiles"
CATALOGUE = "/api/v2/gamification/metricdefinitions"
TEMPLATES = "/api/v2/gamification/templates"
MAX_METRICS = 50
MAX_MEMBERS = 2000
INTERVAL_TYPES = ("Day", "Week", "Month")
DIRECTIONS = ("Up", "Down", "Flat")
ZONE_TYPES = ("Good", "Target", "Great", "Out")
TIME_UNITS = ("None", "Seconds", "Minutes", "Hours")
MEDIA_TYPES = (
    "callback", "chat", "cobrowse", "email", "internalmessage", "message",
    "screenmonitoring", "screenshare", "unknown", "video", "voice",
)  # fmt: skip


# --- native metric definitions ------------------------------------------------------------


def list_native(call: Call) -> Reply:
    entities = sorted(call.state.kind("metricDefinitions").values(), key=lambda d: d["name"])
    return Reply(200, {"total": len(entities), "entities": entities, "selfUri": CATALOGUE})


def get_native(call: Call) -> Reply:
    found = call.state.kind("metricDefinitions").get(call.params["metricDefinitionId"])
    if found is None:
        raise ApiFailure(404, "not.found", "The metric definition was not found")
    return Reply(200, found)


def list_templates(call: Call) -> Reply:
    entities = sorted(call.state.kind("templates").values(), key=lambda t: t["name"])
    return Reply(200, {"total": len(entities), "entities": entities, "selfUri": TEMPLATES})


def get_template(call: Call) -> Reply:
    found = call.state.kind("templates").get(call.params["templateId"])
    if found is None:
        raise ApiFailure(404, "not.found", "The objective template was not found")
    return Reply(200, found)


# --- profiles ------------------------------------------------------------------------------


def find_profile(state: OrgState, profile_id: str) -> JsonObject:
    profile = state.kind("profiles").get(profile_id)
    if profile is None:
        raise ApiFailure(404, "not.found", f"Performance profile {profile_id} was not found")
    return profile


def profile_view(state: OrgState, profile: JsonObject) -> JsonObject:
    shown = fields.public(profile)
    shown["memberCount"] = sum(
        1 for user in state.kind("users").values() if user.get("_profileId") == profile["id"]
    )
    return shown


def _intervals(body: dict[str, Any], required: bool) -> list[JsonObject] | None:
    raw = body.get("reportingIntervals")
    if raw is None:
        if required:
            raise fields.fail("reportingIntervals", "may not be null")
        return None
    if not isinstance(raw, list):
        raise fields.fail("reportingIntervals", "must be a list")
    intervals = []
    for position, item in enumerate(raw):
        if not isinstance(item, dict):
            raise fields.fail(f"reportingIntervals[{position}]", "must be an object")
        intervals.append(
            {
                "intervalType": fields.choice(item, "intervalType", INTERVAL_TYPES, required=True),
                "intervalValue": fields.integer(item, "intervalValue", required=True, low=1),
            }
        )
    return intervals


def list_profiles(call: Call) -> Reply:
    profiles = sorted(call.state.kind("profiles").values(), key=lambda p: p["dateCreated"])
    entities = [profile_view(call.state, p) for p in profiles]
    return Reply(200, {"total": len(entities), "entities": entities, "selfUri": BASE})


def profile_of_user(call: Call) -> Reply:
    user = call.state.kind("users").get(call.params["userId"])
    if user is None:
        raise ApiFailure(404, "not.found", f"User {call.params['userId']} was not found")
    profiles = call.state.kind("profiles")
    profile = profiles.get(user.get("_profileId", "")) or next(
        p for p in profiles.values() if p.get("_default")
    )
    return Reply(200, profile_view(call.state, profile))


def get_profile(call: Call) -> Reply:
    return Reply(200, profile_view(call.state, find_profile(call.state, call.params["profileId"])))


def create_profile(call: Call) -> Reply:
    copy_metrics = call.flag("copyMetrics", True)
    body = call.json_object()
    name = fields.string(body, "name", required=True)
    description = fields.string(body, "description", required=True)
    division_ref = body.get("division")
    if not isinstance(division_ref, dict) or not isinstance(division_ref.get("id"), str):
        raise fields.fail("division", "must be an object with an id")
    division = call.state.kind("divisions").get(division_ref["id"])
    if division is None:
        raise fields.fail("division", f"division {division_ref['id']} does not exist")
    intervals = _intervals(body, required=True)
    active = fields.boolean(body, "active", required=True)
    rank = fields.integer(body, "maxLeaderboardRankSize", required=True, low=1)
    new_id = str(uuid.uuid4())
    profile: JsonObject = {
        "id": new_id,
        "name": name,
        "division": {
            "id": division["id"],
            "name": division["name"],
            "selfUri": division["selfUri"],
        },
        "description": description,
        "metricOrders": [],
        "dateCreated": iso(call.now),
        "reportingIntervals": intervals,
        "active": active,
        "memberCount": 0,
        "maxLeaderboardRankSize": rank,
        "selfUri": f"{BASE}/{new_id}",
    }
    call.state.kind("profiles")[new_id] = profile
    if copy_metrics:
        default = next((p for p in call.state.kind("profiles").values() if p.get("_default")), None)
        metrics = call.state.kind("profileMetrics")
        for metric_id in default["metricOrders"] if default else []:
            source = metrics[metric_id]
            copy_id = str(uuid.uuid4())
            copied = {
                **source,
                "id": copy_id,
                "performanceProfileId": new_id,
                "dateCreated": iso(call.now),
                "objective": {**source["objective"], "id": str(uuid.uuid4())},
                "selfUri": f"{BASE}/{new_id}/metrics/{copy_id}",
            }
            metrics[copy_id] = copied
            profile["metricOrders"].append(copy_id)
    return Reply(201, profile_view(call.state, profile))


def update_profile(call: Call) -> Reply:
    profile = find_profile(call.state, call.params["profileId"])
    body = call.json_object()
    name = fields.string(body, "name", required=True)
    description = fields.string(body, "description", required=True)
    orders = body.get("metricOrders")
    if not isinstance(orders, list) or not all(isinstance(m, str) for m in orders):
        raise fields.fail("metricOrders", "must be a list of metric ids")
    own = set(profile["metricOrders"])
    if set(orders) != own or len(orders) != len(own):
        raise fields.fail("metricOrders", "must list exactly the profile's metric ids")
    intervals = _intervals(body, required=False)
    rank = fields.integer(body, "maxLeaderboardRankSize", required=False, low=1)
    # division and active are read-only on PUT: silently kept, as Genesys does.
    profile.update({"name": name, "description": description, "metricOrders": list(orders)})
    if intervals is not None:
        profile["reportingIntervals"] = intervals
    if rank is not None:
        profile["maxLeaderboardRankSize"] = rank
    return Reply(200, profile_view(call.state, profile))


def _set_active(call: Call, active: bool) -> Reply:
    profile = find_profile(call.state, call.params["profileId"])
    profile["active"] = active
    return Reply(200, profile_view(call.state, profile))


def activate(call: Call) -> Reply:
    return _set_active(call, True)


def deactivate(call: Call) -> Reply:
    return _set_active(call, False)


# --- members -------------------------------------------------------------------------------


def list_members(call: Call) -> Reply:
    profile = find_profile(call.state, call.params["profileId"])
    members = [
        {"id": user["id"], "selfUri": user["selfUri"]}
        for user in call.state.kind("users").values()
        if user.get("_profileId") == profile["id"]
    ]
    return Reply(200, {"entities": members})


def assign_members(call: Call) -> Reply:
    profile = find_profile(call.state, call.params["profileId"])
    body = call.json_object()
    to_assign, to_remove = body.get("membersToAssign"), body.get("membersToRemove")
    if not isinstance(to_assign, list) or not isinstance(to_remove, list):
        raise bad_request("membersToAssign and membersToRemove are both required lists")
    users = call.state.kind("users")
    result: JsonObject = {"assignedMembers": [], "removedMembers": [], "assignmentErrors": []}
    current = sum(1 for u in users.values() if u.get("_profileId") == profile["id"])
    for user_id in to_remove:
        user = users.get(user_id) if isinstance(user_id, str) else None
        if user is None or user.get("_profileId") != profile["id"]:
            result["assignmentErrors"].append(
                {"user": {"id": user_id}, "message": "User is not a member of this profile"}
            )
            continue
        user.pop("_profileId")
        current -= 1
        result["removedMembers"].append({"id": user_id, "selfUri": user["selfUri"]})
    for user_id in to_assign:
        user = users.get(user_id) if isinstance(user_id, str) else None
        if user is None:
            result["assignmentErrors"].append(
                {"user": {"id": user_id}, "message": "User not found"}
            )
            continue
        if current >= MAX_MEMBERS:
            result["assignmentErrors"].append(
                {"user": {"id": user_id}, "message": f"A profile has at most {MAX_MEMBERS} members"}
            )
            continue
        if user.get("_profileId") != profile["id"]:
            user["_profileId"] = profile["id"]  # one profile per user: assigning moves them
            current += 1
        result["assignedMembers"].append({"id": user_id, "selfUri": user["selfUri"]})
    return Reply(200, result)


# --- profile metrics ---------------------------------------------------------------------


def _zones(raw: Any) -> list[JsonObject]:
    if not isinstance(raw, list):
        raise fields.fail("objective.zones", "must be a list")
    zones = []
    for position, zone in enumerate(raw):
        where = f"objective.zones[{position}]"
        if not isinstance(zone, dict):
            raise fields.fail(where, "must be an object")
        try:
            checked: JsonObject = {
                "label": fields.string(zone, "label", required=True),
                "directionType": fields.choice(zone, "directionType", DIRECTIONS, required=True),
                "zoneType": fields.choice(zone, "zoneType", ZONE_TYPES, required=True),
                "upperLimitPoints": fields.integer(zone, "upperLimitPoints", required=True),
                "lowerLimitPoints": fields.integer(zone, "lowerLimitPoints", required=True),
            }
            for limit in ("upperLimitValue", "lowerLimitValue"):
                value = fields.integer(zone, limit, required=False)
                if value is not None:
                    checked[limit] = value
        except ApiFailure as failure:
            raise fields.fail(where, failure.message) from None
        zones.append(checked)
    return zones


def _date_start(raw: dict[str, Any], call: Call, previous: JsonObject | None) -> str:
    value = raw.get("dateStart")
    if value is None:
        # An update that omits dateStart keeps the objective's start; a new one starts today.
        return str(previous["dateStart"]) if previous else call.now.date().isoformat()
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise fields.fail(
            "objective.dateStart", f"{value!r} is not a yyyy-MM-dd date", "invalid.date"
        ) from None
    return value


def _objective(raw: Any, call: Call, previous: JsonObject | None) -> JsonObject:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise fields.fail("objective", "must be an object")
    media_types = raw.get("mediaTypes") or []
    if not isinstance(media_types, list):
        raise fields.fail("objective.mediaTypes", "must be a list")
    objective: JsonObject = {
        "id": previous["id"] if previous else str(uuid.uuid4()),
        "zones": _zones(raw.get("zones", [])),
        "enabled": fields.boolean(raw, "enabled", required=False) is not False,
        "mediaTypes": media_types,
        "dateStart": _date_start(raw, call, previous),
    }
    for media in objective["mediaTypes"]:
        if media not in MEDIA_TYPES:
            raise fields.fail("objective.mediaTypes", f"{media!r} is not a media type")
    template = fields.string(raw, "templateId", required=False)
    if template is not None:
        objective["templateId"] = template
    for optional in ("topicIdsFilterType", "initialDirection"):
        if raw.get(optional) is not None:
            objective[optional] = raw[optional]
    if raw.get("queueIds"):
        objective["queues"] = [{"id": q} for q in raw["queueIds"]]
    if raw.get("topicIds"):
        objective["topics"] = [{"id": t} for t in raw["topicIds"]]
    return objective


def find_metric(state: OrgState, profile: JsonObject, metric_id: str) -> JsonObject:
    metric = state.kind("profileMetrics").get(metric_id)
    if metric is None or metric["performanceProfileId"] != profile["id"]:
        raise ApiFailure(404, "not.found", f"Metric {metric_id} was not found in this profile")
    return metric


def _measured(call: Call, body: dict[str, Any]) -> tuple[str, str, JsonObject]:
    native_id = fields.string(body, "metricDefinitionId", required=False)
    external_id = fields.string(body, "externalMetricDefinitionId", required=False)
    if (native_id is None) == (external_id is None):
        raise bad_request(
            "Exactly one of metricDefinitionId and externalMetricDefinitionId is required",
            "invalid.value",
        )
    if native_id is not None:
        native = call.state.kind("metricDefinitions").get(native_id)
        if native is None:
            raise fields.fail("metricDefinitionId", f"metric definition {native_id} does not exist")
        return "metricDefinitionId", native_id, native
    assert external_id is not None
    external = call.state.kind("externalMetrics").get(external_id)
    if external is None:
        raise fields.fail(
            "externalMetricDefinitionId", f"external metric definition {external_id} does not exist"
        )
    if not external.get("enabled", True):
        raise fields.fail(
            "externalMetricDefinitionId", f"external metric definition {external_id} is disabled"
        )
    return "externalMetricDefinitionId", external_id, external


def metric_view(metric: JsonObject, with_objective: bool = True) -> JsonObject:
    shown = fields.public(metric)
    if not with_objective:
        shown.pop("objective", None)
    return shown


def list_metrics(call: Call) -> Reply:
    profile = find_profile(call.state, call.params["profileId"])
    metrics = call.state.kind("profileMetrics")
    expand = {e for value in call.args("expand") for e in value.split(",")}
    wanted = {m for value in call.args("metricIds") for m in value.split(",") if m}
    entities = [
        metric_view(metrics[m], "objective" in expand)
        for m in profile["metricOrders"]
        if not wanted or m in wanted
    ]
    return Reply(
        200,
        {
            "total": len(entities),
            "entities": entities,
            "selfUri": f"{BASE}/{profile['id']}/metrics",
        },
    )


def objective_details(call: Call) -> Reply:
    """``Metrics`` items: the profile's metrics in order, with what they measure and max points."""
    profile = find_profile(call.state, call.params["profileId"])
    metrics = call.state.kind("profileMetrics")
    templates = call.state.kind("templates")
    entities = []
    for order, metric_id in enumerate(profile["metricOrders"], start=1):
        metric = metrics[metric_id]
        objective = metric.get("objective") or {}
        item: JsonObject = {
            "id": metric_id,
            "name": metric["name"],
            "order": order,
            "enabled": objective.get("enabled", True),
            "maxPoints": max(
                (z["upperLimitPoints"] for z in objective.get("zones", [])), default=0
            ),
            "performanceProfileId": profile["id"],
            "dateCreated": metric["dateCreated"],
            "precision": metric.get("precision", 0),
            "timeDisplayUnit": metric.get("timeDisplayUnit", "None"),
            "selfUri": metric["selfUri"],
        }
        template = templates.get(objective.get("templateId", ""))
        if template is not None:
            item["templateName"] = template["name"]
        if "metricDefinitionId" in metric:
            native = call.state.kind("metricDefinitions").get(metric["metricDefinitionId"], {})
            item["metricDefinitionId"] = metric["metricDefinitionId"]
            item["metricDefinitionName"] = native.get("name")
            item["unitType"] = native.get("unitType", "None")
        else:
            external = call.state.kind("externalMetrics").get(
                metric["externalMetricDefinitionId"], {}
            )
            item["externalMetricDefinitionId"] = metric["externalMetricDefinitionId"]
            item["metricDefinitionName"] = external.get("name")
            item["unitType"] = external.get("unit", "None")
            if external.get("unitDefinition") is not None:
                item["unitDefinition"] = external["unitDefinition"]
        entities.append(item)
    listing = {"total": len(entities), "entities": entities}
    return Reply(200, {**listing, "selfUri": f"{BASE}/{profile['id']}/metrics/objectivedetails"})


def get_metric(call: Call) -> Reply:
    profile = find_profile(call.state, call.params["profileId"])
    return Reply(200, metric_view(find_metric(call.state, profile, call.params["metricId"])))


def create_metric(call: Call) -> Reply:
    profile = find_profile(call.state, call.params["profileId"])
    body = call.json_object()
    name = fields.string(body, "name", required=True)
    id_field, measured_id, measured = _measured(call, body)
    precision = fields.integer(body, "precision", required=False, low=0, high=5)
    time_unit = fields.choice(body, "timeDisplayUnit", TIME_UNITS, required=False)
    objective = _objective(body.get("objective"), call, None)
    if len(profile["metricOrders"]) >= MAX_METRICS:
        raise bad_request(
            f"A profile can have at most {MAX_METRICS} metrics", "constraint.validation"
        )
    new_id = str(uuid.uuid4())
    metric: JsonObject = {
        "id": new_id,
        "name": name,
        id_field: measured_id,
        "objective": objective,
        "performanceProfileId": profile["id"],
        "dateCreated": iso(call.now),
        "precision": precision if precision is not None else measured.get("precision", 0),
        "timeDisplayUnit": time_unit or "None",
        "selfUri": f"{BASE}/{profile['id']}/metrics/{new_id}",
    }
    call.state.kind("profileMetrics")[new_id] = metric
    profile["metricOrders"].append(new_id)
    return Reply(201, metric_view(metric))


def update_metric(call: Call) -> Reply:
    profile = find_profile(call.state, call.params["profileId"])
    metric = find_metric(call.state, profile, call.params["metricId"])
    body = call.json_object()
    name = fields.string(body, "name", required=True)
    id_field, measured_id, _ = _measured(call, body)
    if metric.get(id_field) != measured_id:
        raise bad_request("The metric a profile metric measures cannot be changed", "invalid.value")
    precision = fields.integer(body, "precision", required=False, low=0, high=5)
    time_unit = fields.choice(body, "timeDisplayUnit", TIME_UNITS, required=False)
    metric["objective"] = _objective(body.get("objective"), call, metric["objective"])
    metric["name"] = name
    if precision is not None:
        metric["precision"] = precision
    if time_unit is not None:
        metric["timeDisplayUnit"] = time_unit
    return Reply(200, metric_view(metric))


ROUTES = [
    Route("GET", CATALOGUE, list_native),
    Route("GET", CATALOGUE + "/{metricDefinitionId}", get_native),
    Route("GET", TEMPLATES, list_templates),
    Route("GET", TEMPLATES + "/{templateId}", get_template),
    Route("GET", BASE, list_profiles),
    Route("GET", BASE + "/users/{userId}", profile_of_user),
    Route("GET", BASE + "/{profileId}/metrics/objectivedetails", objective_details),
    Route("POST", BASE, create_profile, mutates=True),
    Route("GET", BASE + "/{profileId}", get_profile),
    Route("PUT", BASE + "/{profileId}", update_profile, mutates=True),
    Route("POST", BASE + "/{profileId}/activate", activate, mutates=True),
    Route("POST", BASE + "/{profileId}/deactivate", deactivate, mutates=True),
    Route("GET", BASE + "/{profileId}/members", list_members),
    Route("POST", BASE + "/{profileId}/members", assign_members, mutates=True),
    Route("GET", BASE + "/{profileId}/metrics", list_metrics),
    Route("POST", BASE + "/{profileId}/metrics", create_metric, mutates=True),
    Route("GET", BASE + "/{profileId}/metrics/{metricId}", get_metric),
    Route("PUT", BASE + "/{profileId}/metrics/{metricId}", update_metric, mutates=True),
]
