"""External metric data: Total/Cumulative, null deletes, window, unprocessedEntities."""

from __future__ import annotations

from typing import Any

import httpx

from reconciler.emulator import Emulator

from .conftest import DATA, DEFINITIONS, create_definition, user_id

ALICE = "alice.nguyen@example.com"


def _write(api: httpx.Client, *items: dict[str, Any]) -> dict[str, Any]:
    reply = api.post(DATA, json={"items": list(items)})
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def test_total_overwrites_and_cumulative_adds(api: httpx.Client, emulator: Emulator) -> None:
    metric = create_definition(api)["id"]
    alice = user_id(emulator, ALICE)
    base = {"metricId": metric, "userId": alice, "dateOccurred": "2026-11-30"}
    first = _write(api, {**base, "value": 100})
    assert first["processedEntities"] == [
        {**base, "value": 100, "type": "Total", "count": 1, "totalValue": 100.0, "totalCount": 1}
    ]
    assert first["unprocessedEntities"] == []
    _write(api, {**base, "value": 40, "count": 2})
    assert emulator.data_points() == [{**base, "value": 40.0, "count": 2}]
    added = _write(api, {**base, "value": 10, "type": "Cumulative"})
    assert added["processedEntities"][0]["count"] == 0  # default 0 when the point exists
    assert (
        added["processedEntities"][0]["totalValue"],
        added["processedEntities"][0]["totalCount"],
    ) == (50.0, 2)
    fresh = _write(api, {**base, "dateOccurred": "2026-11-29", "value": 5, "type": "Cumulative"})
    assert fresh["processedEntities"][0]["totalCount"] == 1  # default 1 for a new point


def test_null_value_and_zero_count_delete(api: httpx.Client, emulator: Emulator) -> None:
    metric = create_definition(api)["id"]
    base = {"metricId": metric, "userEmail": ALICE.upper(), "dateOccurred": "2026-11-30"}
    _write(api, {**base, "value": 7})
    assert len(emulator.data_points()) == 1
    deleted = _write(api, {**base, "value": None})
    assert deleted["processedEntities"][0]["totalCount"] == 0
    assert emulator.data_points() == []
    _write(api, {**base, "value": 7})
    _write(api, {**base, "value": 0, "count": 0})
    assert emulator.data_points() == []


def test_date_window_is_minus_7_to_plus_30_days(api: httpx.Client, emulator: Emulator) -> None:
    metric = create_definition(api)["id"]
    alice = user_id(emulator, ALICE)
    days = ["2026-11-23", "2026-11-22", "2026-12-30", "2026-12-31", "30/11/2026"]
    result = _write(
        api, *({"metricId": metric, "userId": alice, "dateOccurred": d, "value": 1} for d in days)
    )
    assert [p["dateOccurred"] for p in result["processedEntities"]] == ["2026-11-23", "2026-12-30"]
    prefix = "employee.performance.external.metric.data."
    codes = [u["code"].removeprefix(prefix) for u in result["unprocessedEntities"]]
    assert codes == ["date.out.of.range", "date.out.of.range", "invalid.date"]
    assert [u["dateOccurred"] for u in result["unprocessedEntities"]] == days[1:2] + days[3:]


def test_per_item_problems_are_unprocessed(api: httpx.Client, emulator: Emulator) -> None:
    metric = create_definition(api)["id"]
    disabled = create_definition(api, "off", enabled=False)["id"]
    alice = user_id(emulator, ALICE)
    day = "2026-11-30"
    items = [
        {"metricId": "nope", "userId": alice, "dateOccurred": day, "value": 1},
        {"metricId": metric, "userEmail": "nobody@example.com", "dateOccurred": day, "value": 1},
        {"metricId": metric, "userId": alice, "userEmail": ALICE, "dateOccurred": day, "value": 1},
        {"metricId": metric, "dateOccurred": day, "value": 1},
        {"metricId": metric, "userId": alice, "dateOccurred": day, "value": "ten"},
        {"metricId": metric, "userId": alice, "dateOccurred": day, "value": 1, "type": "Sum"},
        {"metricId": disabled, "userId": alice, "dateOccurred": day, "value": 1},
        {"metricId": metric, "userId": alice, "dateOccurred": day, "value": 3},
    ]
    result = _write(api, *items)
    assert len(result["processedEntities"]) == 1
    rejected = result["unprocessedEntities"]
    assert len(rejected) == 7
    assert all(r["code"] and r["message"] for r in rejected)
    assert rejected[1]["userEmail"] == "nobody@example.com"
    assert emulator.data_points()[0]["value"] == 3.0


def test_request_limits(api: httpx.Client, emulator: Emulator) -> None:
    metric = create_definition(api)["id"]
    alice = user_id(emulator, ALICE)
    item = {"metricId": metric, "userId": alice, "dateOccurred": "2026-11-30", "value": 1}
    assert api.post(DATA, json={"items": [item] * 100}).status_code == 200
    too_many = api.post(DATA, json={"items": [item] * 101})
    assert too_many.status_code == 400
    assert (
        too_many.json()["code"]
        == "employee.performance.external.metric.data.input.validation.error"
    )
    assert api.post(DATA, json={}).status_code == 400
    assert api.post(DATA, content=b"{not json").status_code == 400


def test_writes_refresh_the_definition(api: httpx.Client, emulator: Emulator) -> None:
    created = create_definition(api)
    assert "dateLastRefreshed" not in created
    item = {
        "metricId": created["id"],
        "userId": user_id(emulator, ALICE),
        "dateOccurred": "2026-11-30",
        "value": 1,
    }
    _write(api, item)
    refreshed = api.get(f"{DEFINITIONS}/{created['id']}").json()
    assert refreshed["dateLastRefreshed"] == "2026-11-30T12:00:00.000Z"
