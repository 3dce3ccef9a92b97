"""Users and divisions: /api/v2/users, /api/v2/users/search, /api/v2/authorization/divisions.

``GET /api/v2/users`` pages (default state ``active``; ``id`` repeated up to 100 times, more is
400 ``max.user.ids``). ``POST /api/v2/users/search`` supports EXACT, CONTAINS and STARTS_WITH
criteria (``value`` or ``values``) on email/username/id/state/name/divisionId and the contact
e-mail fields, ANDed; like Genesys it leaves ``results`` out when nothing matched.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import ApiFailure, bad_request
from ..routing import Call, Reply, Route
from ..state import JsonObject
from . import fields
from .paging import page

USERS = "/api/v2/users"
DIVISIONS = "/api/v2/authorization/divisions"
MAX_IDS = 100
STATES = ("active", "inactive", "deleted", "any")
SEARCH_TYPES = ("EXACT", "CONTAINS", "STARTS_WITH")


def _user_view(user: JsonObject) -> JsonObject:
    return fields.public(user)


def _sorted_users(call: Call) -> list[JsonObject]:
    return sorted(call.state.kind("users").values(), key=lambda u: (u["name"], u["id"]))


def list_users(call: Call) -> Reply:
    ids = [i for value in call.args("id") for i in value.split(",") if i]
    if len(ids) > MAX_IDS:
        raise ApiFailure(400, "max.user.ids", "Only 100 users can be requested at a time.")
    state = call.arg("state") or "active"
    if state not in STATES:
        raise fields.fail("state", f"{state!r} is not one of {', '.join(STATES)}")
    users = [
        u
        for u in _sorted_users(call)
        if (not ids or u["id"] in ids) and (state == "any" or u["state"] == state)
    ]
    return Reply(200, page(call, [_user_view(u) for u in users], max_page_size=500))


def get_user(call: Call) -> Reply:
    user = call.state.kind("users").get(call.params["userId"])
    if user is None:
        raise ApiFailure(404, "not.found", f"User {call.params['userId']} was not found")
    return Reply(200, _user_view(user))


def _field_values(user: JsonObject, name: str) -> list[str]:
    contacts = user.get("primaryContactInfo", []) + user.get("addresses", [])
    by_field: dict[str, list[Any]] = {
        "email": [user.get("email")],
        "username": [user.get("username")],
        "id": [user.get("id")],
        "state": [user.get("state")],
        "name": [user.get("name")],
        "divisionId": [(user.get("division") or {}).get("id")],
        "primaryContactInfo.email": [
            c.get("address")
            for c in user.get("primaryContactInfo", [])
            if c.get("mediaType") == "EMAIL"
        ],
        "addresses.email": [c.get("address") for c in contacts if c.get("mediaType") == "EMAIL"],
    }
    if name not in by_field:
        raise bad_request(f"{name} is not a searchable user field", "invalid.value")
    return [str(v).casefold() for v in by_field[name] if v is not None]


def _matches(user: JsonObject, criterion: dict[str, Any]) -> bool:
    kind = criterion.get("type")
    if kind not in SEARCH_TYPES:
        raise bad_request(f"Search type {kind!r} is not supported by the emulator", "invalid.value")
    names = criterion.get("fields") or []
    raw = (
        criterion.get("values") if criterion.get("values") is not None else [criterion.get("value")]
    )
    if not isinstance(names, list) or not names or not isinstance(raw, list):
        raise bad_request("A search criterion needs fields and a value or values", "invalid.value")
    wanted = [str(v).casefold() for v in raw if v is not None]
    for name in names:
        for actual in _field_values(user, str(name)):
            for value in wanted:
                if (
                    (kind == "EXACT" and actual == value)
                    or (kind == "CONTAINS" and value in actual)
                    or (kind == "STARTS_WITH" and actual.startswith(value))
                ):
                    return True
    return False


def search_users(call: Call) -> Reply:
    body = call.json_object()
    size = fields.integer(body, "pageSize", required=False, low=1, high=100) or 25
    number = fields.integer(body, "pageNumber", required=False, low=1) or 1
    criteria = body.get("query") or []
    if not isinstance(criteria, list) or not all(isinstance(c, dict) for c in criteria):
        raise bad_request("query must be a list of criteria", "invalid.value")
    if len(criteria) > 10:
        raise bad_request("Too many search criteria", "too.many.search.criteria")
    matched = [u for u in _sorted_users(call) if all(_matches(u, c) for c in criteria)]
    result: JsonObject = {
        "total": len(matched),
        "pageCount": math.ceil(len(matched) / size),
        "pageSize": size,
        "pageNumber": number,
        "types": ["users"],
    }
    chunk = matched[(number - 1) * size : number * size]
    if chunk:
        result["results"] = [_user_view(u) for u in chunk]
    return Reply(200, result)


def list_divisions(call: Call) -> Reply:
    divisions = sorted(call.state.kind("divisions").values(), key=lambda d: d["name"])
    return Reply(200, page(call, divisions))


def home_division(call: Call) -> Reply:
    home = next(d for d in call.state.kind("divisions").values() if d.get("homeDivision"))
    return Reply(200, home)


def get_division(call: Call) -> Reply:
    found = call.state.kind("divisions").get(call.params["divisionId"])
    if found is None:
        raise ApiFailure(404, "not.found", "The division was not found")
    return Reply(200, found)


ROUTES = [
    Route("GET", USERS, list_users),
    Route("POST", USERS + "/search", search_users),
    Route("GET", USERS + "/{userId}", get_user),
    Route("GET", DIVISIONS, list_divisions),
    Route("GET", DIVISIONS + "/home", home_division),
    Route("GET", DIVISIONS + "/{divisionId}", get_division),
]
