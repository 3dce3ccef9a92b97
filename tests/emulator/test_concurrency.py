"""The in-process transport and the server are used from thread pools: no lost updates."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from reconciler.emulator import Emulator

from .conftest import DATA, authed_client, create_definition, user_id


def test_concurrent_cumulative_writes_add_up(emulator: Emulator) -> None:
    api = authed_client(emulator)
    metric = create_definition(api)["id"]
    alice = user_id(emulator, "alice.nguyen@example.com")
    item = {
        "metricId": metric,
        "userId": alice,
        "dateOccurred": "2026-11-30",
        "value": 1,
        "count": 1,
        "type": "Cumulative",
    }

    def write(_: int) -> int:
        return api.post(DATA, json={"items": [item] * 10}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(write, range(40)))
    assert set(statuses) == {200}
    (point,) = emulator.data_points()
    assert (point["value"], point["count"]) == (400.0, 400)
    assert emulator.count("POST", DATA) == 40
