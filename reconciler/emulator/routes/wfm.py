"""WFM business units, their time zones and their users (/api/v2/workforcemanagement).

``GET businessunits`` (no paging), ``GET businessunits/{id}`` with ``settings`` only when
``expand`` asks for ``settings`` or ``settings.<part>``, ``GET businessunits/{id}/users``
(``BuUserListing``: users grouped by management unit), and ``GET agents/{id}/managementunit``
(404 ``wfm.entity.not.found`` for an agent outside WFM).
"""

from __future__ import annotations

from ..errors import ApiFailure
from ..routing import Call, Reply, Route
from ..state import JsonObject

BASE = "/api/v2/workforcemanagement/businessunits"
AGENTS = "/api/v2/workforcemanagement/agents"


def _find(call: Call) -> JsonObject:
    unit = call.state.kind("businessUnits").get(call.params["businessUnitId"])
    if unit is None:
        raise ApiFailure(404, "wfm.entity.not.found", "The requested business unit was not found")
    return unit


def list_units(call: Call) -> Reply:
    units = sorted(call.state.kind("businessUnits").values(), key=lambda u: u["name"])
    entities = [
        {
            "id": u["id"],
            "name": u["name"],
            "authorized": True,
            "division": u["division"],
            "selfUri": u["selfUri"],
        }
        for u in units
    ]
    return Reply(200, {"entities": entities})


def get_unit(call: Call) -> Reply:
    unit = _find(call)
    expand = {e for value in call.args("expand") for e in value.split(",")}
    shown = {k: v for k, v in unit.items() if k != "settings"}
    if any(e == "settings" or e.startswith("settings.") for e in expand):
        shown["settings"] = unit["settings"]
    return Reply(200, shown)


def unit_users(call: Call) -> Reply:
    unit = _find(call)
    users = call.state.kind("users")
    wanted = {m for value in call.args("managementUnitIds") for m in value.split(",") if m}
    listing = [
        {
            "managementUnit": {"id": mu["id"], "selfUri": mu["selfUri"]},
            "users": [
                {"id": uid, "selfUri": users[uid]["selfUri"]}
                for uid in mu["userIds"]
                if uid in users
            ],
        }
        for mu in sorted(call.state.kind("managementUnits").values(), key=lambda m: m["name"])
        if mu["businessUnitId"] == unit["id"] and (not wanted or mu["id"] in wanted)
    ]
    return Reply(200, {"managementUnits": listing})


def agent_management_unit(call: Call) -> Reply:
    agent_id = call.params["agentId"]
    users = call.state.kind("users")
    for mu in call.state.kind("managementUnits").values():
        if agent_id in mu["userIds"] and agent_id in users:
            unit = call.state.kind("businessUnits")[mu["businessUnitId"]]
            return Reply(
                200,
                {
                    "user": {"id": agent_id, "selfUri": users[agent_id]["selfUri"]},
                    "managementUnit": {"id": mu["id"], "selfUri": mu["selfUri"]},
                    "businessUnit": {"id": unit["id"], "selfUri": unit["selfUri"]},
                },
            )
    raise ApiFailure(404, "wfm.entity.not.found", "The requested agent is not in a management unit")


ROUTES = [
    Route("GET", AGENTS + "/{agentId}/managementunit", agent_management_unit),
    Route("GET", BASE, list_units),
    Route("GET", BASE + "/{businessUnitId}", get_unit),
    Route("GET", BASE + "/{businessUnitId}/users", unit_users),
]
