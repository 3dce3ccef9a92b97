"""Achievements as seed 001 documents them — NOT part of Genesys's published API.

``POST {base}`` (201), ``GET {base}`` (paged), ``GET/PATCH/DELETE {base}/{achievementId}``, with
the seed's snake_case payload (``completion_type``, ``scope_type``, ``trigger``,
``notifications {toast, email, push}``). PATCH is a JSON merge patch (RFC 7386): the seed's PATCH
sends only ``notifications.email`` and must not wipe ``toast``/``push``. A create that omits a
notification channel or ``scope_type`` gets the tenant defaults below — the drift trap seed 001
warns about. The base path is configurable (``Emulator(achievements_path=...)``).
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from ..errors import ApiFailure
from ..routing import Call, Reply, Route
from ..seed import iso
from ..state import JsonObject
from . import fields
from .paging import page

BASE = "{achievements}"
TENANT_DEFAULTS: JsonObject = {
    "type": "ACHIEVEMENT",
    "completion_type": "ONCE",
    "scope_type": "ALL_TIME",
    "notifications": {
        "toast": True,
        "email": {"enabled": False},
        "push": {"enabled": False},
    },
}
SERVER_FIELDS = ("id", "selfUri", "dateCreated", "dateModified")


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _validate(achievement: JsonObject) -> None:
    fields.string(achievement, "name", required=True)
    for name in ("type", "completion_type", "scope_type"):
        fields.string(achievement, name, required=True)
    for name in ("trigger", "notifications"):
        if name in achievement and not isinstance(achievement[name], dict):
            raise fields.fail(name, "must be an object")


def _find(call: Call) -> JsonObject:
    found = call.state.kind("achievements").get(call.params["achievementId"])
    if found is None:
        raise ApiFailure(404, "not.found", "The achievement was not found")
    return found


def list_achievements(call: Call) -> Reply:
    ordered = sorted(
        call.state.kind("achievements").values(), key=lambda a: (str(a.get("name")), a["id"])
    )
    return Reply(200, page(call, ordered))


def get_achievement(call: Call) -> Reply:
    return Reply(200, _find(call))


def create_achievement(call: Call) -> Reply:
    body = call.json_object()
    for name in SERVER_FIELDS:
        body.pop(name, None)
    achievement = merge_patch(TENANT_DEFAULTS, body)
    _validate(achievement)
    new_id = str(uuid.uuid4())
    stamp = iso(call.now)
    achievement.update(
        {
            "id": new_id,
            "dateCreated": stamp,
            "dateModified": stamp,
            "selfUri": f"{call.achievements_path}/{new_id}",
        }
    )
    call.state.kind("achievements")[new_id] = achievement
    return Reply(201, achievement)


def patch_achievement(call: Call) -> Reply:
    current = _find(call)
    body = call.json_object()
    for name in SERVER_FIELDS:
        body.pop(name, None)
    updated = merge_patch(current, body)
    _validate(updated)
    updated["dateModified"] = iso(call.now)
    call.state.kind("achievements")[current["id"]] = updated
    return Reply(200, updated)


def delete_achievement(call: Call) -> Reply:
    current = _find(call)
    del call.state.kind("achievements")[current["id"]]
    return Reply(204)


ROUTES = [
    Route("GET", BASE, list_achievements),
    Route("POST", BASE, create_achievement, mutates=True),
    Route("GET", BASE + "/{achievementId}", get_achievement),
    Route("PATCH", BASE + "/{achievementId}", patch_achievement, mutates=True),
    Route("DELETE", BASE + "/{achievementId}", delete_achievement, mutates=True),
]
