from __future__ import annotations

import threading

import httpx
import pytest

from reconciler.client.ratelimit import RateLimiter

from .conftest import FakeClock, FakeGenesys, MakeClient


def test_no_sixty_second_window_exceeds_the_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(300, clock=clock, sleep=clock.sleep)
    sent_at = []
    for _ in range(900):
        limiter.acquire()
        sent_at.append(clock.now)
    for i, start in enumerate(sent_at):
        in_window = sum(1 for t in sent_at[i:] if t < start + 60)
        assert in_window <= 300
    # and it is not needlessly slow: 900 requests take about three minutes
    assert 170 <= sent_at[-1] - sent_at[0] <= 185


def test_the_first_request_is_served_without_waiting() -> None:
    clock = FakeClock()
    limiter = RateLimiter(1200, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    assert clock.sleeps == []
    limiter.acquire()
    assert clock.sleeps and clock.sleeps[0] > 0


def test_pause_holds_everyone_and_restarts_with_an_empty_bucket() -> None:
    clock = FakeClock()
    limiter = RateLimiter(600, clock=clock, sleep=clock.sleep)
    limiter.pause(5)
    limiter.acquire()
    assert clock.now >= 1005
    before = clock.now
    limiter.acquire()
    assert clock.now > before  # no burst right after a pause


def test_a_lower_limit_advertised_by_the_server_is_adopted() -> None:
    clock = FakeClock()
    limiter = RateLimiter(600, clock=clock, sleep=clock.sleep)
    limiter.observe({"inin-ratelimit-allowed": "1200", "inin-ratelimit-count": "5000"})
    assert limiter.per_minute == 600  # never faster than configured
    limiter.observe({"inin-ratelimit-allowed": "60", "inin-ratelimit-count": "5000"})
    assert limiter.per_minute == 60
    for _ in range(5):
        limiter.acquire()
    assert clock.now - 1000 == pytest.approx(4 * 60 / 59)


def test_unlimited_never_waits() -> None:
    clock = FakeClock()
    limiter = RateLimiter(None, clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        limiter.acquire()
    assert clock.sleeps == []


def test_concurrent_callers_share_one_budget() -> None:
    # Real threads, fake time: each sleep is recorded, never slept.
    lock = threading.Lock()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        with lock:
            waits.append(seconds)

    limiter = RateLimiter(60, clock=lambda: 0.0, sleep=sleep)
    threads = [threading.Thread(target=limiter.acquire) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    # One token up front, then each caller reserves the next slot (59 per minute).
    assert sorted(waits) == pytest.approx([60 / 59 * n for n in range(1, 8)])


def test_an_explicit_burst_is_honoured() -> None:
    clock = FakeClock()
    limiter = RateLimiter(600, burst=30, clock=clock, sleep=clock.sleep)
    for _ in range(30):
        limiter.acquire()
    assert clock.sleeps == []
    limiter.acquire()
    assert clock.sleeps == [pytest.approx(60 / 570)]


def test_a_429_pauses_the_whole_client(
    make_client: MakeClient, server: FakeGenesys, clock: FakeClock
) -> None:
    from .conftest import genesys_error

    calls = []

    def api(request: httpx.Request) -> httpx.Response:
        calls.append(clock.now)
        if len(calls) == 1:
            return genesys_error(429, "too.many.requests", "slow", **{"Retry-After": "3"})
        return httpx.Response(200, json={"id": "p"})

    server.api = api
    with make_client(rate_limit_per_minute=6000) as client:
        client.get_profile("a")
        client.get_profile("b")
    assert calls[1] - calls[0] >= 3
    assert calls[2] >= calls[1]


def test_each_429_slows_the_pace_down_to_half_at_most() -> None:
    clock = FakeClock()
    limiter = RateLimiter(600, burst=10, clock=clock, sleep=clock.sleep)
    configured = limiter.rate
    limiter.pause(1)
    assert limiter.capacity == 1
    assert limiter.rate == pytest.approx(configured * 0.95)
    for _ in range(100):
        limiter.pause(1)
    assert limiter.rate == pytest.approx(configured / 2)
