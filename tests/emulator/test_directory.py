"""Users, divisions and WFM business units as the push and the planner read them."""

from __future__ import annotations

from typing import Any

import httpx

from reconciler.emulator import Emulator

from .conftest import user_id

BUS = "/api/v2/workforcemanagement/businessunits"


def test_users_paged_active_by_default(api: httpx.Client) -> None:
    listing = api.get("/api/v2/users", params={"pageSize": 4}).json()
    assert listing["total"] == 7 and listing["pageCount"] == 2
    everyone = api.get("/api/v2/users", params={"state": "any", "pageSize": 100}).json()
    assert everyone["total"] == 8
    user = everyone["entities"][0]
    assert user["email"].endswith("@example.com") and user["division"]["name"] == "Home"
    assert user["primaryContactInfo"][0]["address"] == user["email"]


def test_users_by_id(api: httpx.Client, emulator: Emulator) -> None:
    alice = user_id(emulator, "alice.nguyen@example.com")
    ben = user_id(emulator, "ben.carter@example.com")
    listing = api.get("/api/v2/users", params=[("id", alice), ("id", ben)]).json()
    assert {u["id"] for u in listing["entities"]} == {alice, ben}
    assert api.get(f"/api/v2/users/{alice}").json()["name"] == "Alice Nguyen"
    assert api.get("/api/v2/users/nobody").status_code == 404
    too_many = api.get("/api/v2/users", params=[("id", str(n)) for n in range(101)])
    assert too_many.status_code == 400 and too_many.json()["code"] == "max.user.ids"


def test_user_search_by_email(api: httpx.Client) -> None:
    query: dict[str, Any] = {
        "pageSize": 25,
        "query": [
            {"type": "EXACT", "fields": ["email"], "values": ["Chloe.Davies@example.com", "x@y.z"]}
        ],
    }
    found = api.post("/api/v2/users/search", json=query).json()
    assert found["total"] == 1 and found["results"][0]["name"] == "Chloe Davies"
    query["query"][0]["values"] = ["nobody@example.com"]
    none = api.post("/api/v2/users/search", json=query).json()
    assert none["total"] == 0 and "results" not in none


def test_divisions(api: httpx.Client) -> None:
    listing = api.get("/api/v2/authorization/divisions").json()
    assert [d["name"] for d in listing["entities"]] == ["Home", "Sales Floor"]
    home = api.get("/api/v2/authorization/divisions/home").json()
    assert home["homeDivision"] is True and home["name"] == "Home"


def test_business_units_time_zones_and_users(api: httpx.Client, emulator: Emulator) -> None:
    units = api.get(BUS).json()["entities"]
    zones = {}
    for unit in units:
        plain = api.get(f"{BUS}/{unit['id']}").json()
        assert "settings" not in plain
        expanded = api.get(f"{BUS}/{unit['id']}", params={"expand": "settings.timeZone"}).json()
        zones[unit["name"]] = expanded["settings"]["timeZone"]
    assert sorted(zones.values()) == ["America/New_York", "Asia/Kolkata", "Europe/London"]
    new_york = next(u for u in units if zones[u["name"]] == "America/New_York")
    listing = api.get(f"{BUS}/{new_york['id']}/users").json()["managementUnits"]
    members = {u["id"] for mu in listing for u in mu["users"]}
    assert user_id(emulator, "alice.nguyen@example.com") in members
    everyone_in_a_unit = set()
    for unit in units:
        for mu in api.get(f"{BUS}/{unit['id']}/users").json()["managementUnits"]:
            everyone_in_a_unit |= {u["id"] for u in mu["users"]}
    assert user_id(emulator, "emma.stone@example.com") not in everyone_in_a_unit
    missing = api.get(f"{BUS}/nope")
    assert missing.status_code == 404 and missing.json()["code"] == "wfm.entity.not.found"


def test_agent_management_unit(api: httpx.Client, emulator: Emulator) -> None:
    priya = user_id(emulator, "priya.sharma@example.com")
    found = api.get(f"/api/v2/workforcemanagement/agents/{priya}/managementunit").json()
    unit = api.get(f"{BUS}/{found['businessUnit']['id']}", params={"expand": "settings"}).json()
    assert unit["settings"]["timeZone"] == "Asia/Kolkata"
    assert found["user"]["id"] == priya and found["managementUnit"]["id"]
    emma = user_id(emulator, "emma.stone@example.com")
    outside = api.get(f"/api/v2/workforcemanagement/agents/{emma}/managementunit")
    assert outside.status_code == 404 and outside.json()["code"] == "wfm.entity.not.found"
