"""Groups and their members (/api/v2/groups), for profile membership by group.

``GET /api/v2/groups`` pages ``Group``s (``id`` repeated or comma-separated filters them,
``sortOrder`` ASC/DESC by name); ``GET /api/v2/groups/{id}`` is one group;
``GET /api/v2/groups/{id}/members`` pages the members as ``User``s (``UserEntityListing``).
Names are not unique, as in Genesys. Members are kept as ``_memberIds`` on the group.
"""

from __future__ import annotations

from ..errors import ApiFailure
from ..routing import Call, Reply, Route
from ..state import JsonObject
from . import fields
from .paging import page

BASE = "/api/v2/groups"
MAX_PAGE_SIZE = 500
SORT_ORDERS = ("ASC", "DESC")


def _descending(call: Call) -> bool:
    order = (call.arg("sortOrder") or "ASC").upper()
    if order not in SORT_ORDERS:
        raise fields.fail("sortOrder", f"{order!r} is not ASC or DESC")
    return order == "DESC"


def _view(call: Call, group: JsonObject) -> JsonObject:
    shown = fields.public(group)
    shown["memberCount"] = len(_members(call, group))
    return shown


def _members(call: Call, group: JsonObject) -> list[JsonObject]:
    users = call.state.kind("users")
    return [users[u] for u in group.get("_memberIds", []) if u in users]


def _find(call: Call) -> JsonObject:
    group = call.state.kind("groups").get(call.params["groupId"])
    if group is None:
        raise ApiFailure(404, "not.found", f"Group {call.params['groupId']} was not found")
    return group


def list_groups(call: Call) -> Reply:
    ids = {i for value in call.args("id") for i in value.split(",") if i}
    groups = sorted(
        call.state.kind("groups").values(),
        key=lambda g: (str(g["name"]).casefold(), g["id"]),
        reverse=_descending(call),
    )
    chosen = [_view(call, g) for g in groups if not ids or g["id"] in ids]
    return Reply(200, page(call, chosen, max_page_size=MAX_PAGE_SIZE))


def get_group(call: Call) -> Reply:
    return Reply(200, _view(call, _find(call)))


def group_members(call: Call) -> Reply:
    group = _find(call)
    members = sorted(
        (fields.public(u) for u in _members(call, group)),
        key=lambda u: (str(u["name"]).casefold(), u["id"]),
        reverse=_descending(call),
    )
    return Reply(200, page(call, members, max_page_size=MAX_PAGE_SIZE))


ROUTES = [
    Route("GET", BASE, list_groups),
    Route("GET", BASE + "/{groupId}", get_group),
    Route("GET", BASE + "/{groupId}/members", group_members),
]
