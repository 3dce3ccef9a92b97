"""External metric definitions: create/list/get/patch/delete with Genesys's rules."""

from __future__ import annotations

import httpx

from reconciler.emulator import Emulator

from .conftest import DEFINITIONS, PROFILES, create_definition, definition_body, zones


def test_create_returns_server_fields(api: httpx.Client) -> None:
    created = create_definition(api)
    assert created["id"] and created["selfUri"] == f"{DEFINITIONS}/{created['id']}"
    assert created["inUse"] is False
    assert created["retentionMonths"] == 13
    assert created["unitDefinition"] == "USD"
    assert api.get(f"{DEFINITIONS}/{created['id']}").json() == created


def test_list_is_sorted_by_name_and_paged(api: httpx.Client) -> None:
    for name in ("charlie", "Alpha", "bravo"):
        create_definition(api, name)
    first = api.get(DEFINITIONS, params={"pageSize": 2}).json()
    assert [d["name"] for d in first["entities"]] == ["Alpha", "bravo"]
    assert first["total"] == 3 and first["pageCount"] == 2 and first["pageNumber"] == 1
    assert first["nextUri"] == f"{DEFINITIONS}?pageSize=2&pageNumber=2"
    assert "previousUri" not in first
    second = api.get(first["nextUri"]).json()
    assert [d["name"] for d in second["entities"]] == ["charlie"]
    assert "nextUri" not in second and second["previousUri"].endswith("pageNumber=1")
    assert api.get(DEFINITIONS).json()["pageSize"] == 25


def test_bad_page_size_is_a_400(api: httpx.Client) -> None:
    reply = api.get(DEFINITIONS, params={"pageSize": "zero"})
    assert reply.status_code == 400 and reply.json()["code"] == "bad.request"


def test_validation_errors_have_genesys_bodies(api: httpx.Client) -> None:
    for bad in (
        definition_body(precision=6),
        definition_body(unit="Euros"),
        definition_body(defaultObjectiveType="Sideways"),
        {k: v for k, v in definition_body().items() if k != "enabled"},
        definition_body(color="blue"),
    ):
        reply = api.post(DEFINITIONS, json=bad)
        assert reply.status_code == 400, bad
        body = reply.json()
        assert (
            body["code"] == "employee.performance.external.metric.definition.input.validation.error"
        )
        assert body["status"] == 400
        assert body["contextId"] == reply.headers["ININ-Correlation-Id"]
        assert set(body) >= {"message", "messageParams", "details", "errors"}


def test_fifty_definitions_per_org(api: httpx.Client) -> None:
    for n in range(50):
        create_definition(api, f"metric {n:02d}")
    reply = api.post(DEFINITIONS, json=definition_body("one too many"))
    assert reply.status_code == 400
    assert reply.json()["code"].endswith("too.many.metric.definitions")


def test_patch_changes_mutable_fields_only(api: httpx.Client) -> None:
    created = create_definition(api)
    url = f"{DEFINITIONS}/{created['id']}"
    patched = api.patch(url, json={"name": "Revenue", "precision": 0}).json()
    assert (patched["name"], patched["precision"], patched["unit"]) == ("Revenue", 0, "Currency")
    for immutable in ({"unit": "Number"}, {"unitDefinition": "EUR"}):
        reply = api.patch(url, json=immutable)
        assert reply.status_code == 400
        assert next(iter(immutable)) in reply.json()["message"]
    # Sending the unchanged value is harmless (a full-object PATCH from a client).
    assert api.patch(url, json={"unit": "Currency", "enabled": True}).status_code == 200
    assert api.put(url, json=definition_body()).status_code == 405


def test_missing_definition_is_a_404_with_its_code(api: httpx.Client) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        reply = api.request(method, f"{DEFINITIONS}/nope", json={} if method == "PATCH" else None)
        assert reply.status_code == 404
        assert reply.json()["code"] == "employee.performance.external.metric.definition.not.found"


def _use_in_profile(api: httpx.Client, definition_id: str) -> str:
    profile = api.get(PROFILES).json()["entities"][0]
    reply = api.post(
        f"{PROFILES}/{profile['id']}/metrics",
        json={
            "name": "Revenue",
            "externalMetricDefinitionId": definition_id,
            "objective": {"zones": zones(), "enabled": True},
        },
    )
    assert reply.status_code == 201, reply.text
    return f"{PROFILES}/{profile['id']}/metrics/{reply.json()['id']}"


def test_in_use_definition_cannot_be_deleted_or_disabled(api: httpx.Client) -> None:
    created = create_definition(api)
    url = f"{DEFINITIONS}/{created['id']}"
    metric_url = _use_in_profile(api, created["id"])
    assert api.get(url).json()["inUse"] is True
    conflict = "employee.performance.external.metric.definition.state.conflict.error"
    for reply in (api.delete(url), api.patch(url, json={"enabled": False})):
        assert reply.status_code == 409 and reply.json()["code"] == conflict
    # Switching the profile metric off does not free it: profile metrics cannot be deleted, so
    # any profile metric that measures the definition holds it (reference §8.2).
    metric = api.get(metric_url).json()
    metric["objective"]["enabled"] = False
    assert api.put(metric_url, json=metric).status_code == 200
    assert api.get(url).json()["inUse"] is True
    assert api.delete(url).status_code == 409
    assert api.get(url).status_code == 200


def test_delete_forgets_the_definitions_data(api: httpx.Client, emulator: Emulator) -> None:
    created = create_definition(api)
    user = emulator.objects("users")[0]
    item = {
        "metricId": created["id"],
        "userId": user["id"],
        "dateOccurred": "2026-11-30",
        "value": 1,
    }
    api.post("/api/v2/employeeperformance/externalmetrics/data", json={"items": [item]})
    assert len(emulator.data_points()) == 1
    assert api.delete(f"{DEFINITIONS}/{created['id']}").status_code == 204
    assert emulator.data_points() == []
