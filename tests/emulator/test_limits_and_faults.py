"""Rate limiting (token bucket, 429 bodies and headers) and fault injection, in-process."""

from __future__ import annotations

import httpx
import pytest

from reconciler.emulator import Emulator, Faults

from .conftest import DEFINITIONS, NOW, FakeClock, authed_client


def test_rate_limit_is_exact_against_a_fake_clock(clock: FakeClock) -> None:
    emulator = Emulator(now=lambda: NOW, clock=clock, rate_limit_per_minute=60, rate_limit_burst=3)
    api = authed_client(emulator)
    statuses = [api.get(DEFINITIONS).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get(DEFINITIONS)
    body = limited.json()
    assert body["code"] == "too.many.requests.retry.after" and body["status"] == 429
    assert limited.headers["Retry-After"] == "1" and body["messageParams"] == {"seconds": "1"}
    assert limited.headers["inin-ratelimit-allowed"] == "60"
    clock.advance(1.0)  # one token back at 60/min
    assert api.get(DEFINITIONS).status_code == 200
    assert api.get(DEFINITIONS).status_code == 429
    clock.advance(10.0)  # refills to the burst, no further
    assert [api.get(DEFINITIONS).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_sustained_rate_never_429s(clock: FakeClock) -> None:
    emulator = Emulator(now=lambda: NOW, clock=clock, rate_limit_per_minute=1200)
    api = authed_client(emulator)
    statuses = []
    for _ in range(200):  # exactly the limit: one request every 50 ms
        statuses.append(api.get(DEFINITIONS).status_code)
        clock.advance(0.05)
    assert set(statuses) == {200}
    assert emulator.count("GET", DEFINITIONS) == 200


def test_headers_on_every_response_when_limited(clock: FakeClock) -> None:
    emulator = Emulator(now=lambda: NOW, clock=clock, rate_limit_per_minute=300)
    api = authed_client(emulator)
    reply = api.get(DEFINITIONS)
    assert reply.headers["inin-ratelimit-count"] == "1"
    assert reply.headers["inin-ratelimit-allowed"] == "300"
    assert int(reply.headers["inin-ratelimit-reset"]) >= 0
    emulator.set_rate_limit(None)
    assert "inin-ratelimit-count" not in api.get(DEFINITIONS).headers


def test_storm_then_normal(emulator: Emulator) -> None:
    api = authed_client(emulator)
    emulator.set_faults(Faults(storm=2, storm_retry_after=3))
    first, second, third = (api.get(DEFINITIONS) for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    assert first.headers["Retry-After"] == "3"
    assert [r.fault for r in emulator.request_log[-3:]] == ["storm", "storm", None]


def test_error_rate_is_seeded_and_roughly_right(emulator: Emulator) -> None:
    api = authed_client(emulator)
    emulator.set_faults(Faults(error_rate=0.2, seed=7))
    run = [api.get(DEFINITIONS).status_code for _ in range(200)]
    emulator.set_faults(Faults(error_rate=0.2, seed=7))
    again = [api.get(DEFINITIONS).status_code for _ in range(200)]
    assert run == again
    assert 20 <= run.count(503) <= 60
    assert set(run) == {200, 503}


def test_injected_error_body(emulator: Emulator) -> None:
    api = authed_client(emulator)
    emulator.set_faults(Faults(error_rate=1.0, error_status=502))
    reply = api.get(DEFINITIONS)
    assert reply.status_code == 502 and reply.json()["code"] == "bad.gateway"
    # The token endpoint is never faulted, so a client can always re-authenticate.
    assert (
        api.post(
            "/oauth/token",
            auth=("reconciler-local", "emulator-secret"),
            data={"grant_type": "client_credentials"},
        ).status_code
        == 200
    )


def test_drop_and_lost_response_in_process(emulator: Emulator) -> None:
    api = authed_client(emulator)
    emulator.set_faults(Faults(drop_rate=1.0))
    body = {
        "name": "x",
        "unit": "Number",
        "precision": 0,
        "defaultObjectiveType": "HigherIsBetter",
        "enabled": True,
    }
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(DEFINITIONS, json=body)
    emulator.set_faults(Faults())
    assert api.get(DEFINITIONS).json()["total"] == 0  # dropped: never processed
    emulator.set_faults(Faults(lost_response_rate=1.0))
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(DEFINITIONS, json=body)
    emulator.set_faults(Faults())
    assert api.get(DEFINITIONS).json()["total"] == 1  # lost: processed, answer never arrived


def test_faults_reject_nonsense() -> None:
    with pytest.raises(ValueError):
        Faults(error_rate=1.5)
    with pytest.raises(ValueError):
        Faults(error_status=200)
    with pytest.raises(ValueError):
        Faults.from_dict({"typo_rate": 0.1})
