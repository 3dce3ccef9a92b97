"""The read-only gamification catalogue: native metric definitions and objective templates."""

from __future__ import annotations

from ..errors import ApiFailure
from ..routing import Call, Reply, Route

CATALOGUE = "/api/v2/gamification/metricdefinitions"
TEMPLATES = "/api/v2/gamification/templates"


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


ROUTES = [
    Route("GET", CATALOGUE, list_native),
    Route("GET", CATALOGUE + "/{metricDefinitionId}", get_native),
    Route("GET", TEMPLATES, list_templates),
    Route("GET", TEMPLATES + "/{templateId}", get_template),
]
