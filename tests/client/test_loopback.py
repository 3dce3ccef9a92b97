"""The real client against the real emulator over loopback HTTP: faults, limits, every write."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.client import GenesysClient, RetryPolicy
from reconciler.emulator import Emulator, Faults, serve
from reconciler.emulator.server import EmulatorServer
from reconciler.errors import UncertainWriteError

from . import scenario
from .conftest import FakeClock


@pytest.fixture
def emulator() -> Emulator:
    return Emulator()


@pytest.fixture
def server(emulator: Emulator) -> Iterator[EmulatorServer]:
    with serve(emulator) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(server: EmulatorServer, clock: FakeClock) -> Iterator[GenesysClient]:
    # Real sockets, fake waiting: the client records every wait instead of sleeping it.
    with GenesysClient(
        server.url,
        "reconciler-local",
        "emulator-secret",
        rate_limit_per_minute=None,
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(3),
        timeout=10,
    ) as client:
        yield client


def statuses(emulator: Emulator) -> list[Any]:
    return [record.status for record in emulator.request_log if record.path.startswith("/api/")]


def test_a_429_storm_is_waited_out_as_told(
    emulator: Emulator, client: GenesysClient, clock: FakeClock
) -> None:
    emulator.set_faults(Faults(storm=8, storm_retry_after=2))
    assert [p["name"] for p in client.list_profiles()] == ["Default Performance Profile"]
    assert statuses(emulator) == [429] * 8 + [200]
    # every 429 said "2 seconds"; the client waited exactly that (plus bucket restarts: none here)
    assert clock.sleeps == [2.0] * 8


def test_a_storm_across_concurrent_workers_completes(
    emulator: Emulator, client: GenesysClient, clock: FakeClock
) -> None:
    emulator.set_faults(Faults(storm=12, storm_retry_after=1))
    users = client.list_users()
    emulator.reset_log()
    found = client.map(lambda user: client.get_users([user["id"]]), users)
    assert [f[0]["id"] for f in found] == [u["id"] for u in users]


def test_twenty_percent_5xx_still_completes_every_call(
    emulator: Emulator, client: GenesysClient
) -> None:
    emulator.set_faults(Faults(error_rate=0.2, seed=11))
    results = scenario.run(client)
    assert results["metric"]["precision"] == 0
    failures = [s for s in statuses(emulator) if s == 503]
    assert len(failures) >= 5  # the faults really happened
    assert client.request_count == len(statuses(emulator))


def test_dropped_connections_on_reads_are_retried(
    emulator: Emulator, client: GenesysClient
) -> None:
    emulator.set_faults(Faults(drop_rate=0.3, seed=5))
    for _ in range(10):
        assert len(client.list_users()) >= 6
    drops = [r for r in emulator.request_log if r.fault == "drop"]
    assert drops, "no connection was dropped: the test proves nothing"


def test_a_create_whose_response_is_lost_is_uncertain_and_not_repeated(
    emulator: Emulator, client: GenesysClient
) -> None:
    emulator.set_faults(Faults(lost_response_rate=1.0))
    with pytest.raises(UncertainWriteError) as caught:
        client.create_external_metric(scenario.REVENUE)
    assert caught.value.method == "POST"
    emulator.set_faults(Faults())
    # It did happen, exactly once: the caller must look before writing again.
    names = [m["name"] for m in client.list_external_metrics()]
    assert names == ["Daily_Revenue_Closed"]
    assert emulator.count("POST", "/api/v2/employeeperformance") == 1


def test_an_expired_token_is_replaced_once(emulator: Emulator, client: GenesysClient) -> None:
    client.list_profiles()
    emulator.expire_tokens()
    client.list_profiles()
    assert client.token_fetches == 2
    assert statuses(emulator) == [200, 401, 200]


def test_every_write_method_end_to_end(emulator: Emulator, client: GenesysClient) -> None:
    seen = scenario.run(client)
    assert seen["metric"]["precision"] == 0 and seen["metric"]["unit"] == "Currency"
    assert [m["name"] for m in seen["metrics"]] == ["Daily_Revenue_Closed"]
    profile = seen["profile"]
    assert profile["description"] == "Sales agents, renamed" and profile["active"] is True
    assert profile["maxLeaderboardRankSize"] == 10
    (metric,) = seen["profile_metrics"]
    assert metric["objective"]["enabled"] is False
    assert [a["name"] for a in seen["achievements"]] == [scenario.ACHIEVEMENT["name"]]
    assert seen["achievements"][0]["notifications"]["push"]["enabled"] is False
    assert seen["achievements_after_delete"] == []
    assert len(seen["write"]["processedEntities"]) == 1
    assert len(seen["write"]["unprocessedEntities"]) == 1  # 60 days back: outside the window
    (point,) = emulator.data_points()
    assert point["value"] == 1250.5
    assert seen["time_zones"]["India Support"] == "Asia/Kolkata"
    assert {u["id"] for u in seen["users_by_id"]} == {u["id"] for u in seen["users"][:2]}
    in_units = {u["id"] for users in seen["unit_users"].values() for u in users}
    assert len(in_units) == 6
    assert all(s < 400 for s in statuses(emulator))


def test_a_rate_limited_emulator_never_answers_429_to_a_paced_client(
    emulator: Emulator, server: EmulatorServer
) -> None:
    # Real time here: the emulator's bucket runs on the wall clock. 60 requests at 1,200/min
    # take about 2 s; the pacing itself is measured in bench/bench_rate_limit.py.
    emulator.set_rate_limit(1200, 20)
    with GenesysClient(
        server.url,
        "reconciler-local",
        "emulator-secret",
        rate_limit_per_minute=1200,
        max_concurrency=4,
        retry=RetryPolicy(max_rate_limited=0),
    ) as paced:
        paced.map(lambda _: paced.list_profiles(), range(60))
    assert 429 not in statuses(emulator)


def test_concurrent_workers_replace_an_expired_token_once(
    emulator: Emulator, client: GenesysClient
) -> None:
    client.list_profiles()
    emulator.expire_tokens()
    client.map(lambda _: client.get_home_division(), range(16))
    assert client.token_fetches == 2
    assert statuses(emulator).count(401) <= client.max_concurrency
