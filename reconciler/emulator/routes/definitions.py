"""External metric definitions: /api/v2/employeeperformance/externalmetrics/definitions.

POST 201, PATCH (no PUT) with ``unit``/``unitDefinition`` immutable, DELETE 204, 409 while a
profile metric with an enabled objective uses the definition, at most 50 per org, list sorted by
name and paged. Names need not be unique (Genesys documents no uniqueness rule), so a
tool's duplicate-create bugs show up here as they would in an org.
"""

from __future__ import annotations

import uuid
from typing import Any

from ..errors import ApiFailure
from ..routing import Call, Reply, Route
from ..state import JsonObject, OrgState
from . import fields
from .paging import page

BASE = "/api/v2/employeeperformance/externalmetrics/definitions"
MAX_DEFINITIONS = 50
UNITS = ("Seconds", "Percent", "Number", "Currency")
OBJECTIVE_TYPES = ("HigherIsBetter", "LowerIsBetter", "TargetArea")
RETENTION_MONTHS = 13  # server-assigned; the real default is undocumented
PREFIX = "employee.performance.external.metric.definition"
VALIDATION = f"{PREFIX}.input.validation.error"
NOT_FOUND = f"{PREFIX}.not.found"
CONFLICT = f"{PREFIX}.state.conflict.error"
CREATE_FIELDS = {"name", "unit", "unitDefinition", "precision", "defaultObjectiveType", "enabled"}
PATCH_FIELDS = {"name", "precision", "defaultObjectiveType", "enabled"}
READ_ONLY = {"id", "retentionMonths", "inUse", "dateLastRefreshed", "selfUri"}


def in_use(state: OrgState, definition_id: str) -> bool:
    # Any profile metric that measures the definition holds it, enabled or not (the reference's
    # checklist, §8.2): profile metrics cannot be deleted, so a definition once used in a profile
    # stays undeletable, and a tool must never count on disabling to free it.
    return any(
        metric.get("externalMetricDefinitionId") == definition_id
        for metric in state.kind("profileMetrics").values()
    )


def view(state: OrgState, definition: JsonObject) -> JsonObject:
    shown = fields.public(definition)
    shown["inUse"] = in_use(state, definition["id"])
    return shown


def find(state: OrgState, definition_id: str) -> JsonObject:
    definition = state.kind("externalMetrics").get(definition_id)
    if definition is None:
        raise ApiFailure(
            404, NOT_FOUND, "The operation failed because the metric definition was not found"
        )
    return definition


def _reject_unknown(body: dict[str, Any], allowed: set[str]) -> None:
    for name in sorted(set(body) - allowed - READ_ONLY):
        raise fields.fail(name, "is not a property that can be set", VALIDATION)


def list_definitions(call: Call) -> Reply:
    ordered = sorted(
        call.state.kind("externalMetrics").values(), key=lambda d: (d["name"].casefold(), d["id"])
    )
    return Reply(200, page(call, [view(call.state, d) for d in ordered]))


def get_definition(call: Call) -> Reply:
    return Reply(200, view(call.state, find(call.state, call.params["metricId"])))


def create_definition(call: Call) -> Reply:
    body = call.json_object()
    _reject_unknown(body, CREATE_FIELDS)
    name = fields.string(body, "name", required=True, code=VALIDATION)
    unit = fields.choice(body, "unit", UNITS, required=True, code=VALIDATION)
    unit_definition = fields.string(body, "unitDefinition", required=False, code=VALIDATION)
    precision = fields.integer(body, "precision", required=True, low=0, high=5, code=VALIDATION)
    objective = fields.choice(
        body, "defaultObjectiveType", OBJECTIVE_TYPES, required=True, code=VALIDATION
    )
    enabled = fields.boolean(body, "enabled", required=True, code=VALIDATION)
    definitions = call.state.kind("externalMetrics")
    if len(definitions) >= MAX_DEFINITIONS:
        raise ApiFailure(
            400,
            f"{PREFIX}.too.many.metric.definitions",
            "The operation failed as the maximum number of External Metric Definitions "
            "has been reached",
        )
    new_id = str(uuid.uuid4())
    definition: JsonObject = {
        "id": new_id,
        "name": name,
        "unit": unit,
        "precision": precision,
        "defaultObjectiveType": objective,
        "retentionMonths": RETENTION_MONTHS,
        "enabled": enabled,
        "selfUri": f"{BASE}/{new_id}",
    }
    if unit_definition is not None:
        definition["unitDefinition"] = unit_definition
    definitions[new_id] = definition
    return Reply(201, view(call.state, definition))


def patch_definition(call: Call) -> Reply:
    definition = find(call.state, call.params["metricId"])
    body = call.json_object()
    for immutable in ("unit", "unitDefinition"):
        if immutable in body and body[immutable] != definition.get(immutable):
            raise fields.fail(
                immutable, "cannot be changed; delete and recreate the definition", VALIDATION
            )
    _reject_unknown(body, PATCH_FIELDS | {"unit", "unitDefinition"})
    changes: JsonObject = {}
    if "name" in body:
        changes["name"] = fields.string(body, "name", required=True, code=VALIDATION)
    if "precision" in body:
        changes["precision"] = fields.integer(
            body, "precision", required=True, low=0, high=5, code=VALIDATION
        )
    if "defaultObjectiveType" in body:
        changes["defaultObjectiveType"] = fields.choice(
            body, "defaultObjectiveType", OBJECTIVE_TYPES, required=True, code=VALIDATION
        )
    if "enabled" in body:
        changes["enabled"] = fields.boolean(body, "enabled", required=True, code=VALIDATION)
        if changes["enabled"] is False and in_use(call.state, definition["id"]):
            raise ApiFailure(
                409,
                CONFLICT,
                "The operation failed because the metric definition is in use "
                "and cannot be set to false",
            )
    definition.update(changes)
    return Reply(200, view(call.state, definition))


def delete_definition(call: Call) -> Reply:
    definition = find(call.state, call.params["metricId"])
    if in_use(call.state, definition["id"]):
        raise ApiFailure(
            409, CONFLICT, "The operation failed because the metric definition is in use"
        )
    del call.state.kind("externalMetrics")[definition["id"]]
    prefix = f"{definition['id']}|"
    for key in [k for k in call.state.data_points if k.startswith(prefix)]:
        del call.state.data_points[key]
    return Reply(204)


ROUTES = [
    Route("GET", BASE, list_definitions),
    Route("POST", BASE, create_definition, mutates=True),
    Route("GET", BASE + "/{metricId}", get_definition),
    Route("PATCH", BASE + "/{metricId}", patch_definition, mutates=True),
    Route("DELETE", BASE + "/{metricId}", delete_definition, mutates=True),
]
