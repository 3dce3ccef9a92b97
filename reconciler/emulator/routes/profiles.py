"""Gamification profiles and their members (/api/v2/gamification/profiles).

No DELETE (405): a profile is deactivated instead. Profiles are created with ``copyMetrics``
(default true: copy the default profile's metrics). ``division`` and ``active`` are read-only
on PUT. A user belongs to one profile at a time; without one, to the default profile.

Members: ``GET …/members`` (``MemberListing``, no paging), ``POST …/members`` (``AssignUsers``
-> ``Assignment``; removals first, then assignments; assigning a user held by another profile
moves them), ``POST …/members/validate`` (``ValidateAssignUsers`` -> ``AssignmentValidation``:
not in any custom profile, already in this one, held by another, or not a user at all).
"""

from __future__ import annotations

import uuid
from typing import Any

from ..errors import ApiFailure, bad_request
from ..routing import Call, Reply, Route
from ..seed import iso
from ..state import JsonObject, OrgState
from . import fields

BASE = "/api/v2/gamification/profiles"
MAX_MEMBERS = 2000
INTERVAL_TYPES = ("Day", "Week", "Month")


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


def _user_ids(body: dict[str, Any], name: str) -> list[Any]:
    values = body.get(name)
    if not isinstance(values, list):
        raise fields.fail(name, "must be a list of user ids")
    return values


def validate_members(call: Call) -> Reply:
    profile = find_profile(call.state, call.params["profileId"])
    to_assign = _user_ids(call.json_object(), "membersToAssign")
    users = call.state.kind("users")
    result: JsonObject = {
        "membersNotAssigned": [],
        "membersAlreadyAssigned": [],
        "membersAlreadyAssignedToOther": [],
        "invalidMemberAssignments": [],
    }
    for user_id in dict.fromkeys(u for u in to_assign if isinstance(u, str)):
        user = users.get(user_id)
        if user is None or user.get("state") == "deleted":
            result["invalidMemberAssignments"].append(
                {"user": {"id": user_id}, "message": "User not found"}
            )
            continue
        ref = {"id": user_id, "selfUri": user["selfUri"]}
        current = user.get("_profileId")
        if current is None:
            result["membersNotAssigned"].append(ref)
        elif current == profile["id"]:
            result["membersAlreadyAssigned"].append(ref)
        else:
            other = {"id": current, "selfUri": f"{BASE}/{current}"}
            result["membersAlreadyAssignedToOther"].append({**ref, "currentProfile": other})
    for bad in (u for u in to_assign if not isinstance(u, str)):
        result["invalidMemberAssignments"].append(
            {"user": {"id": str(bad)}, "message": "A user id must be a string"}
        )
    return Reply(200, result)


ROUTES = [
    Route("GET", BASE, list_profiles),
    Route("POST", BASE, create_profile, mutates=True),
    Route("GET", BASE + "/users/{userId}", profile_of_user),
    Route("GET", BASE + "/{profileId}", get_profile),
    Route("PUT", BASE + "/{profileId}", update_profile, mutates=True),
    Route("POST", BASE + "/{profileId}/activate", activate, mutates=True),
    Route("POST", BASE + "/{profileId}/deactivate", deactivate, mutates=True),
    Route("GET", BASE + "/{profileId}/members", list_members),
    Route("POST", BASE + "/{profileId}/members", assign_members, mutates=True),
    Route("POST", BASE + "/{profileId}/members/validate", validate_members),
]
