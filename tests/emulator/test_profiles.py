"""Gamification profiles and profile metrics: copyMetrics, PUT, activation, no DELETE, limits."""

from __future__ import annotations

from typing import Any

import httpx

from reconciler.emulator import Emulator

from .conftest import PROFILES, create_definition, profile_body, zones


def _native_id(api: httpx.Client, name: str) -> str:
    catalogue = api.get("/api/v2/gamification/metricdefinitions").json()
    return str(next(d["id"] for d in catalogue["entities"] if d["name"] == name))


def _metric(name: str, **measured: str) -> dict[str, Any]:
    return {"name": name, **measured, "objective": {"zones": zones(), "enabled": True}}


def test_seeded_default_profile_and_catalogue(api: httpx.Client) -> None:
    listing = api.get(PROFILES).json()
    assert listing["total"] == len(listing["entities"]) == 1
    default = listing["entities"][0]
    assert default["name"] == "Default Performance Profile" and default["active"] is True
    assert "_default" not in default
    metrics = api.get(f"{PROFILES}/{default['id']}/metrics").json()
    names = [m["name"] for m in metrics["entities"]]
    assert names == ["Average Handle Time", "Quality Evaluation Score", "Adherence"]
    catalogue = {
        d["name"] for d in api.get("/api/v2/gamification/metricdefinitions").json()["entities"]
    }
    assert {"Average Handle Time", "First Contact Resolution", "Conformance"} <= catalogue


def test_copy_metrics_defaults_to_true(api: httpx.Client) -> None:
    copied = api.post(PROFILES, json=profile_body(api, "Copied"))
    assert copied.status_code == 201
    assert len(copied.json()["metricOrders"]) == 3
    empty = api.post(PROFILES, params={"copyMetrics": "false"}, json=profile_body(api, "Empty"))
    assert empty.status_code == 201 and empty.json()["metricOrders"] == []
    assert empty.json()["division"]["name"] == "Home"
    # Copies are new metrics of the new profile, not the default's.
    copy_metrics = api.get(f"{PROFILES}/{copied.json()['id']}/metrics").json()["entities"]
    assert {m["performanceProfileId"] for m in copy_metrics} == {copied.json()["id"]}


def test_create_requires_fields(api: httpx.Client) -> None:
    body = profile_body(api)
    for missing in ("name", "description", "division", "reportingIntervals", "active"):
        partial = {k: v for k, v in body.items() if k != missing}
        reply = api.post(PROFILES, json=partial)
        assert reply.status_code == 400, missing
        assert missing in reply.json()["message"]
    body["division"] = {"id": "no-such-division"}
    assert api.post(PROFILES, json=body).status_code == 400


def test_put_replaces_but_keeps_read_only_fields(api: httpx.Client) -> None:
    profile = api.post(PROFILES, json=profile_body(api)).json()
    url = f"{PROFILES}/{profile['id']}"
    update = {**profile, "name": "Renamed", "active": False, "division": {"id": "elsewhere"}}
    update["metricOrders"] = list(reversed(profile["metricOrders"]))
    updated = api.put(url, json=update).json()
    assert updated["name"] == "Renamed"
    assert updated["metricOrders"] == list(reversed(profile["metricOrders"]))
    assert updated["active"] is True and updated["division"] == profile["division"]
    bad = api.put(url, json={**update, "metricOrders": ["not-a-metric"]})
    assert bad.status_code == 400


def test_activate_deactivate(api: httpx.Client) -> None:
    profile = api.post(PROFILES, json=profile_body(api)).json()
    url = f"{PROFILES}/{profile['id']}"
    assert api.post(f"{url}/deactivate").json()["active"] is False
    assert api.get(url).json()["active"] is False
    assert api.post(f"{url}/activate").json()["active"] is True


def test_no_delete_for_profiles_or_metrics(api: httpx.Client) -> None:
    profile = api.get(PROFILES).json()["entities"][0]
    reply = api.delete(f"{PROFILES}/{profile['id']}")
    assert reply.status_code == 405 and "DELETE" not in reply.headers["Allow"]
    metric_id = profile["metricOrders"][0]
    assert api.delete(f"{PROFILES}/{profile['id']}/metrics/{metric_id}").status_code == 405
    assert api.get(f"{PROFILES}/nope").status_code == 404


def test_metric_create_update_and_expand(api: httpx.Client) -> None:
    definition = create_definition(api)
    profile = api.post(PROFILES, params={"copyMetrics": "false"}, json=profile_body(api)).json()
    url = f"{PROFILES}/{profile['id']}/metrics"
    created = api.post(url, json=_metric("Revenue", externalMetricDefinitionId=definition["id"]))
    assert created.status_code == 201
    metric = created.json()
    assert metric["precision"] == 2  # from the definition
    assert metric["objective"]["zones"] == zones() and metric["objective"]["id"]
    assert metric["objective"]["dateStart"] == "2026-11-30"
    plain = api.get(url).json()["entities"][0]
    assert "objective" not in plain
    expanded = api.get(url, params={"expand": "objective"}).json()["entities"][0]
    assert expanded["objective"]["zones"] == zones()
    assert api.get(f"{PROFILES}/{profile['id']}").json()["metricOrders"] == [metric["id"]]

    metric["objective"]["enabled"] = False
    metric["name"] = "Revenue (off)"
    updated = api.put(f"{url}/{metric['id']}", json=metric)
    assert updated.status_code == 200
    assert updated.json()["objective"]["enabled"] is False
    assert updated.json()["objective"]["id"] == metric["objective"]["id"]
    switch = {**metric, "externalMetricDefinitionId": None}
    switch["metricDefinitionId"] = _native_id(api, "Adherence")
    assert api.put(f"{url}/{metric['id']}", json=switch).status_code == 400


def test_metric_validation(api: httpx.Client) -> None:
    profile = api.get(PROFILES).json()["entities"][0]
    url = f"{PROFILES}/{profile['id']}/metrics"
    native = _native_id(api, "Conformance")
    definition = create_definition(api)
    both = _metric("x", metricDefinitionId=native, externalMetricDefinitionId=definition["id"])
    assert api.post(url, json=both).status_code == 400
    assert api.post(url, json=_metric("x")).status_code == 400
    assert api.post(url, json=_metric("x", metricDefinitionId="nope")).status_code == 400
    fractional = _metric("x", metricDefinitionId=native)
    fractional["objective"]["zones"][0]["upperLimitValue"] = 10.5
    reply = api.post(url, json=fractional)
    assert reply.status_code == 400 and "upperLimitValue" in reply.json()["message"]
    disabled = create_definition(api, "Off", enabled=False)
    assert (
        api.post(url, json=_metric("x", externalMetricDefinitionId=disabled["id"])).status_code
        == 400
    )


def test_fifty_metrics_per_profile(api: httpx.Client) -> None:
    profile = api.post(PROFILES, params={"copyMetrics": "false"}, json=profile_body(api)).json()
    url = f"{PROFILES}/{profile['id']}/metrics"
    native = _native_id(api, "Adherence")
    for n in range(50):
        assert api.post(url, json=_metric(f"m{n}", metricDefinitionId=native)).status_code == 201
    reply = api.post(url, json=_metric("m50", metricDefinitionId=native))
    assert reply.status_code == 400


def test_members_one_profile_per_user(api: httpx.Client, emulator: Emulator) -> None:
    first = api.post(PROFILES, json=profile_body(api, "First")).json()
    second = api.post(PROFILES, json=profile_body(api, "Second")).json()
    user = emulator.objects("users")[0]["id"]
    body = {"membersToAssign": [user], "membersToRemove": []}
    assert api.post(f"{PROFILES}/{first['id']}/members", json=body).status_code == 200
    assert api.get(f"{PROFILES}/{first['id']}").json()["memberCount"] == 1
    api.post(f"{PROFILES}/{second['id']}/members", json=body)
    assert api.get(f"{PROFILES}/{first['id']}").json()["memberCount"] == 0
    members = api.get(f"{PROFILES}/{second['id']}/members").json()["entities"]
    assert [m["id"] for m in members] == [user]


def test_objective_date_start_kept_on_update_and_validated(api: httpx.Client) -> None:
    profile = api.get(PROFILES).json()["entities"][0]
    url = f"{PROFILES}/{profile['id']}/metrics"
    body = _metric("dated", metricDefinitionId=_native_id(api, "Conformance"))
    body["objective"]["dateStart"] = "2026-12-01"
    created = api.post(url, json=body).json()
    del body["objective"]["dateStart"]
    updated = api.put(f"{url}/{created['id']}", json=body).json()
    assert updated["objective"]["dateStart"] == "2026-12-01"
    body["objective"]["dateStart"] = "01/12/2026"
    bad = api.put(f"{url}/{created['id']}", json=body)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid.date"


def test_objective_details_and_templates(api: httpx.Client) -> None:
    profile = api.get(PROFILES).json()["entities"][0]
    details = api.get(f"{PROFILES}/{profile['id']}/metrics/objectivedetails").json()
    assert [d["order"] for d in details["entities"]] == [1, 2, 3]
    first = details["entities"][0]
    assert first["metricDefinitionName"] == "Average Handle Time"
    assert (first["unitType"], first["maxPoints"], first["templateName"]) == (
        "Seconds",
        100,
        "Lower is better",
    )
    templates = api.get("/api/v2/gamification/templates").json()
    assert {t["name"] for t in templates["entities"]} == {
        "Higher is better",
        "Lower is better",
        "Target area",
    }
    one = templates["entities"][0]
    assert api.get(f"/api/v2/gamification/templates/{one['id']}").json() == one


def test_profile_of_a_user_defaults_to_the_default_profile(
    api: httpx.Client, emulator: Emulator
) -> None:
    user = emulator.objects("users")[0]["id"]
    assert api.get(f"{PROFILES}/users/{user}").json()["name"] == "Default Performance Profile"
    custom = api.post(PROFILES, json=profile_body(api, "Custom")).json()
    api.post(
        f"{PROFILES}/{custom['id']}/members",
        json={"membersToAssign": [user], "membersToRemove": []},
    )
    assert api.get(f"{PROFILES}/users/{user}").json()["name"] == "Custom"
    assert api.get(f"{PROFILES}/users/nobody").status_code == 404


def test_objectives_are_effective_dated(api: httpx.Client) -> None:
    profile = api.get(PROFILES).json()["entities"][0]
    url = f"{PROFILES}/{profile['id']}/metrics"
    body = _metric("dated", metricDefinitionId=_native_id(api, "Conformance"))
    body["objective"]["dateStart"] = "2026-11-01"
    metric = api.post(url, json=body).json()
    later = {
        **body,
        "objective": {**body["objective"], "dateStart": "2026-12-15", "enabled": False},
    }
    written = api.put(f"{url}/{metric['id']}", json=later).json()
    assert written["objective"]["dateStart"] == "2026-12-15"
    assert written["objective"]["id"] != metric["objective"]["id"]
    # Today (2026-11-30) the first objective still applies; from 2026-12-15 the new one does.
    today = api.get(f"{url}/{metric['id']}").json()["objective"]
    assert (today["dateStart"], today["enabled"]) == ("2026-11-01", True)
    future = api.get(f"{url}/{metric['id']}", params={"workday": "2026-12-20"}).json()
    assert (future["objective"]["dateStart"], future["objective"]["enabled"]) == (
        "2026-12-15",
        False,
    )
    listed = api.get(url, params={"expand": "objective", "workday": "2026-12-15"}).json()
    assert (
        next(m for m in listed["entities"] if m["id"] == metric["id"])["objective"]["enabled"]
        is False
    )
    assert api.get(url, params={"workday": "soon"}).status_code == 400
