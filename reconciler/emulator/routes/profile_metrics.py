"""Profile metrics (/api/v2/gamification/profiles/{profileId}/metrics).

No DELETE (405): a metric is switched off with ``objective.enabled: false``. At most 50 per
profile; what a metric measures (native or external definition) cannot change on PUT. Lists
include ``objective`` only with ``expand=objective``. Objectives are effective-dated: a PUT
whose ``objective.dateStart`` is later than the current one's starts a new objective (new id),
and reads show the objective in effect on ``workday`` (default: today) — so a future-dated
change is not visible until its day, as in Genesys. Zone limits are integers, as in the API.
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
from .profiles import BASE, find_profile

MAX_METRICS = 50
DIRECTIONS = ("Up", "Down", "Flat")
ZONE_TYPES = ("Good", "Target", "Great", "Out")
TIME_UNITS = ("None", "Seconds", "Minutes", "Hours")
MEDIA_TYPES = (
    "callback", "chat", "cobrowse", "email", "internalmessage", "message",
    "screenmonitoring", "screenshare", "unknown", "video", "voice",
)  # fmt: skip


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


def workday(call: Call) -> date:
    """The ``workday`` query parameter, or today: which objective a read shows."""
    raw = call.arg("workday")
    if raw is None:
        return call.now.date()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise fields.fail("workday", f"{raw!r} is not a yyyy-MM-dd date", "invalid.date") from None


def objective_on(metric: JsonObject, day: date) -> JsonObject:
    """The objective in effect on ``day``: the latest that started by then (else the first)."""
    objectives = [*metric.get("_objectiveHistory", []), metric["objective"]]
    started = [o for o in objectives if date.fromisoformat(o["dateStart"]) <= day]
    if started:
        return max(started, key=lambda o: str(o["dateStart"]))
    return min(objectives, key=lambda o: str(o["dateStart"]))


def metric_view(metric: JsonObject, day: date | None, with_objective: bool = True) -> JsonObject:
    shown = fields.public(metric)
    if not with_objective:
        shown.pop("objective", None)
    elif day is not None:
        shown["objective"] = objective_on(metric, day)
    return shown


def list_metrics(call: Call) -> Reply:
    profile = find_profile(call.state, call.params["profileId"])
    metrics = call.state.kind("profileMetrics")
    expand = {e for value in call.args("expand") for e in value.split(",")}
    wanted = {m for value in call.args("metricIds") for m in value.split(",") if m}
    day = workday(call)
    entities = [
        metric_view(metrics[m], day, "objective" in expand)
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
    day = workday(call)
    for order, metric_id in enumerate(profile["metricOrders"], start=1):
        metric = metrics[metric_id]
        objective = objective_on(metric, day)
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
    metric = find_metric(call.state, profile, call.params["metricId"])
    return Reply(200, metric_view(metric, workday(call)))


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
    return Reply(201, metric_view(metric, None))


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
    current = metric["objective"]
    objective = _objective(body.get("objective"), call, current)
    if objective["dateStart"] > current["dateStart"]:
        # A later start makes a new objective; reads of earlier workdays keep the old one.
        metric.setdefault("_objectiveHistory", []).append(current)
        objective["id"] = str(uuid.uuid4())
    metric["objective"] = objective
    metric["name"] = name
    if precision is not None:
        metric["precision"] = precision
    if time_unit is not None:
        metric["timeDisplayUnit"] = time_unit
    return Reply(200, metric_view(metric, None))


ROUTES = [
    # objectivedetails first: it would otherwise match {metricId}.
    Route("GET", BASE + "/{profileId}/metrics/objectivedetails", objective_details),
    Route("GET", BASE + "/{profileId}/metrics", list_metrics),
    Route("POST", BASE + "/{profileId}/metrics", create_metric, mutates=True),
    Route("GET", BASE + "/{profileId}/metrics/{metricId}", get_metric),
    Route("PUT", BASE + "/{profileId}/metrics/{metricId}", update_metric, mutates=True),
]
